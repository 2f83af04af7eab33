"""The assistant's channels beyond Rasa's REST and Socket.IO ones: Messenger and WhatsApp."""
