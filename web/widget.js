/*
 * SOS Tourisme Médical — the website chat widget (plain ES2020, no framework).
 *
 * Talks to Rasa's Socket.IO channel (credentials.yml, bot/channels/widget.py), over a websocket
 * only: `session_request` {session_id, resumed}, wait for `session_confirm`, then `user_uttered`
 * {message, session_id, customData: {language}}; the answers come as `bot_uttered` {text,
 * quick_replies?, attachment?}. `resumed` says the widget still shows a transcript: when the
 * server no longer has that conversation (it restarted), it answers `session_lost` instead, and
 * the widget clears the transcript, says so, and asks for a new session.
 *
 * The conversation (session id, transcript, language, open or closed) lives in sessionStorage
 * only: it follows the person from page to page and is gone when the tab closes, so no health
 * answer stays behind on a shared computer.
 *
 * Options: window.SOS_CHAT = {socketUrl, replyTimeoutMs?} (config.js, served by tools/web.py).
 */
(() => {
  "use strict";

  const STORAGE_KEY = "sos-chat";
  const STATE_VERSION = 1;
  const MAX_MESSAGES = 200;
  const MAX_LENGTH = 2000;
  const LANGUAGES = ["fr", "en"];
  const options = window.SOS_CHAT || {};
  const REPLY_TIMEOUT_MS = Number(options.replyTimeoutMs) || 15000;

  const LABELS = {
    fr: {
      launcher: "Une question?",
      launcherName: "Une question? Ouvrir l'assistant virtuel",
      title: "Assistant SOS Tourisme Médical",
      subtitle: "Information générale, pas de conseil médical",
      close: "Fermer l'assistant",
      languageGroup: "Langue de la conversation",
      newConversation: "Nouvelle conversation",
      log: "Conversation avec l'assistant",
      you: "Vous :",
      assistant: "Assistant :",
      replies: "Réponses suggérées",
      inputLabel: "Votre message",
      placeholder: "Écrivez votre question…",
      send: "Envoyer",
      typing: "L'assistant écrit…",
      empty:
        "Bonjour! Posez votre question sur les soins du dos en France : CNESST, coûts, chirurgies, convalescence. Écrivez « bonjour » pour voir les sujets.",
      footnote: "En cas d'urgence, composez le 911. La conversation s'efface à la fermeture de l'onglet.",
      timeout: "Désolé, l'assistant ne répond pas pour le moment. Veuillez réessayer dans un instant.",
      reconnecting: "Connexion perdue. Reconnexion en cours…",
      sessionLost:
        "Notre conversation précédente n'est plus disponible (le service a redémarré). Vos réponses n'ont pas été gardées : vous pouvez recommencer quand vous voulez.",
      startAgain: "Recommencer",
      image: "Voir l'image",
    },
    en: {
      launcher: "Questions?",
      launcherName: "Questions? Open the virtual assistant",
      title: "SOS Tourisme Médical assistant",
      subtitle: "General information, not medical advice",
      close: "Close the assistant",
      languageGroup: "Conversation language",
      newConversation: "New conversation",
      log: "Conversation with the assistant",
      you: "You:",
      assistant: "Assistant:",
      replies: "Suggested replies",
      inputLabel: "Your message",
      placeholder: "Type your question…",
      send: "Send",
      typing: "The assistant is typing…",
      empty:
        "Hello! Ask your question about spine care in France: CNESST, costs, surgeries, recovery. Type \"hello\" to see the topics.",
      footnote: "In an emergency, call 911. The conversation is erased when you close the tab.",
      timeout: "Sorry, the assistant is not answering right now. Please try again in a moment.",
      reconnecting: "Connection lost. Reconnecting…",
      sessionLost:
        "Our previous conversation is no longer available (the service restarted). Your answers were not kept: you can start again whenever you like.",
      startAgain: "Start again",
      image: "View the image",
    },
  };
  // What the person's message shows when they switch language with the header's buttons.
  const LANGUAGE_NAMES = { fr: "Français", en: "English" };
  // Words of one language only, to tell which language an answer is written in.
  const MARKERS = {
    fr: new Set(
      "le la les des du de est et pour vous votre vos une un dans sur avec je ne pas que qui au aux ce cette ou où quel quelle nous il elle sont être avez pouvez".split(" ")
    ),
    en: new Set(
      "the is are and for you your to of in with this that it can will not be what how do does an or my i we they have please".split(" ")
    ),
  };
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
  const URL_TRAILING = /[.,;:!?)\]»"']+$/;

  // --- State, kept in sessionStorage ---------------------------------------------------------

  function pageLanguage() {
    const lang = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
    return LANGUAGES.includes(lang) ? lang : "fr";
  }

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function newState(language) {
    return { version: STATE_VERSION, sessionId: newSessionId(), language, open: false, messages: [], confirmed: false };
  }

  function isValidState(state) {
    return (
      state &&
      state.version === STATE_VERSION &&
      typeof state.sessionId === "string" &&
      LANGUAGES.includes(state.language) &&
      Array.isArray(state.messages) &&
      state.messages.every(isValidMessage) &&
      (state.lost === undefined || typeof state.lost === "boolean") &&
      (state.confirmed === undefined || typeof state.confirmed === "boolean")
    );
  }

  function isValidMessage(message) {
    return (
      message &&
      (message.from === "user" || message.from === "bot") &&
      typeof message.text === "string" &&
      LANGUAGES.includes(message.lang) &&
      (message.replies === undefined || Array.isArray(message.replies))
    );
  }

  function loadState() {
    try {
      const state = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY));
      if (isValidState(state)) return state;
    } catch (error) {
      // Storage refused or unreadable: start afresh.
    }
    return newState(pageLanguage());
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_MESSAGES);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Storage full or refused: the conversation still works on this page.
    }
  }

  function clearState() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // Nothing stored.
    }
  }

  // --- Text ----------------------------------------------------------------------------------

  /** The language an answer is written in, or null when its words do not tell. */
  function detectLanguage(text) {
    const words = (text.toLowerCase().match(/[a-zà-ÿ'\u2019]+/g) || []).flatMap((w) => w.split(/['\u2019]/));
    const score = { fr: 0, en: 0 };
    for (const word of words) {
      for (const language of LANGUAGES) {
        if (MARKERS[language].has(word)) score[language] += 1;
      }
    }
    if (score.fr >= 2 && score.fr >= 2 * score.en) return "fr";
    if (score.en >= 2 && score.en >= 2 * score.fr) return "en";
    return null;
  }

  function link(url) {
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = url;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    return anchor;
  }

  /** Fill `element` with `text` as text nodes (never HTML), its web addresses as links. */
  function renderText(element, text) {
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const url = match[0].replace(URL_TRAILING, "");
      element.append(document.createTextNode(text.slice(last, match.index)), link(url));
      last = match.index + url.length;
    }
    element.append(document.createTextNode(text.slice(last)));
  }

  function labels() {
    return LABELS[state.language];
  }

  // --- DOM -----------------------------------------------------------------------------------

  function create(tag, attributes = {}, children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") element.textContent = value;
      else element.setAttribute(name, value);
    }
    element.append(...children);
    return element;
  }

  const ICON_CHAT =
    '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  const ICON_CLOSE =
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z"/></svg>';
  const ICON_SEND =
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12 2-12 2z"/></svg>';
  const ICON_NEW =
    '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4z"/></svg>';

  function icon(svg) {
    // Constant markup of this file, never data.
    return document.createRange().createContextualFragment(svg);
  }

  function buildWidget() {
    const ui = {};
    ui.launcherText = create("span", { class: "sos-chat__launcher-text" });
    ui.launcher = create(
      "button",
      { type: "button", class: "sos-chat__launcher", "aria-expanded": "false", "aria-controls": "sos-chat-panel" },
      [icon(ICON_CHAT), ui.launcherText]
    );
    ui.title = create("h2", { id: "sos-chat-title", class: "sos-chat__title" });
    ui.subtitle = create("p", { class: "sos-chat__subtitle" });
    ui.close = create("button", { type: "button", class: "sos-chat__icon-button" }, [icon(ICON_CLOSE)]);
    ui.languageButtons = LANGUAGES.map((language) =>
      create("button", {
        type: "button",
        class: "sos-chat__language",
        lang: language,
        "data-language": language,
        "aria-label": `${language.toUpperCase()} – ${LANGUAGE_NAMES[language]}`,
        text: language.toUpperCase(),
      })
    );
    ui.languageGroup = create("div", { class: "sos-chat__languages", role: "group" }, ui.languageButtons);
    ui.newConversationText = create("span");
    ui.newConversation = create("button", { type: "button", class: "sos-chat__new" }, [icon(ICON_NEW), ui.newConversationText]);
    ui.log = create("div", { class: "sos-chat__log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
    ui.empty = create("p", { class: "sos-chat__empty" });
    ui.typingText = create("span", { class: "sos-chat__visually-hidden" });
    ui.typing = create("div", { class: "sos-chat__typing", hidden: "" }, [
      create("span", { class: "sos-chat__dot", "aria-hidden": "true" }),
      create("span", { class: "sos-chat__dot", "aria-hidden": "true" }),
      create("span", { class: "sos-chat__dot", "aria-hidden": "true" }),
      ui.typingText,
    ]);
    ui.scroller = create("div", { class: "sos-chat__scroller" }, [ui.empty, ui.log, ui.typing]);
    ui.notice = create("p", { class: "sos-chat__notice", role: "status" });
    ui.inputLabel = create("label", { for: "sos-chat-input", class: "sos-chat__visually-hidden" });
    ui.input = create("textarea", { id: "sos-chat-input", class: "sos-chat__input", rows: "1", maxlength: String(MAX_LENGTH) });
    ui.send = create("button", { type: "submit", class: "sos-chat__send" }, [icon(ICON_SEND)]);
    ui.form = create("form", { class: "sos-chat__form" }, [ui.inputLabel, ui.input, ui.send]);
    ui.footnote = create("p", { class: "sos-chat__footnote" });
    ui.panel = create(
      "section",
      { id: "sos-chat-panel", class: "sos-chat__panel", role: "dialog", "aria-labelledby": "sos-chat-title", hidden: "" },
      [
        create("header", { class: "sos-chat__header" }, [
          create("div", { class: "sos-chat__heading" }, [ui.title, ui.subtitle]),
          ui.close,
        ]),
        create("div", { class: "sos-chat__toolbar" }, [ui.languageGroup, ui.newConversation]),
        ui.scroller,
        ui.notice,
        ui.form,
        ui.footnote,
      ]
    );
    ui.root = create("div", { class: "sos-chat" }, [ui.panel, ui.launcher]);
    document.body.append(ui.root);
    return ui;
  }

  /** Put the widget's own words in the current language. */
  function applyLabels() {
    const words = labels();
    ui.root.lang = state.language;
    ui.launcherText.textContent = words.launcher;
    ui.launcher.setAttribute("aria-label", words.launcherName);
    ui.title.textContent = words.title;
    ui.subtitle.textContent = words.subtitle;
    ui.close.setAttribute("aria-label", words.close);
    ui.languageGroup.setAttribute("aria-label", words.languageGroup);
    for (const button of ui.languageButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.language === state.language));
    }
    ui.newConversationText.textContent = words.newConversation;
    ui.log.setAttribute("aria-label", words.log);
    ui.empty.textContent = words.empty;
    ui.typingText.textContent = words.typing;
    ui.inputLabel.textContent = words.inputLabel;
    ui.input.placeholder = words.placeholder;
    ui.send.setAttribute("aria-label", words.send);
    ui.footnote.textContent = words.footnote;
    if (notice) showNotice(notice);
    const lost = ui.log.querySelector(".sos-chat__lost");
    if (lost) {
      lost.lang = state.language;
      lost.querySelector(".sos-chat__lost-text").textContent = words.sessionLost;
      lost.querySelector(".sos-chat__restart").textContent = words.startAgain;
    }
  }

  // --- Transcript ----------------------------------------------------------------------------

  function messageElement(message) {
    const words = LABELS[message.lang] || labels();
    const text = create("div", { class: "sos-chat__text" });
    renderText(text, message.text);
    const element = create("div", { class: `sos-chat__message sos-chat__message--${message.from}`, lang: message.lang }, [
      create("span", { class: "sos-chat__visually-hidden", text: `${message.from === "user" ? words.you : words.assistant} ` }),
      text,
    ]);
    if (message.image) {
      const anchor = link(message.image);
      anchor.textContent = words.image;
      text.append(message.text ? "\n" : "", anchor);
    }
    return element;
  }

  function repliesElement(message) {
    const group = create("div", { class: "sos-chat__replies", role: "group", lang: message.lang, "aria-label": LABELS[message.lang].replies });
    for (const reply of message.replies) {
      const button = create("button", { type: "button", class: "sos-chat__reply", text: reply.title });
      button.addEventListener("click", () => sendReply(reply));
      group.append(button);
    }
    return group;
  }

  /** Only the newest message may keep its suggested replies. */
  function dropOlderReplies() {
    for (const message of state.messages) delete message.replies;
    for (const group of ui.log.querySelectorAll(".sos-chat__replies")) group.remove();
  }

  function appendMessage(message) {
    ui.log.append(messageElement(message));
    if (message.replies && message.replies.length) ui.log.append(repliesElement(message));
    ui.empty.hidden = true;
    revealLastTurn();
  }

  function addMessage(message) {
    dropOlderReplies();
    state.messages.push(message);
    saveState();
    appendMessage(message);
  }

  function renderTranscript() {
    ui.log.replaceChildren();
    for (const message of state.messages) {
      ui.log.append(messageElement(message));
      if (message.replies && message.replies.length) ui.log.append(repliesElement(message));
    }
    if (state.lost) ui.log.append(lostElement());
    ui.empty.hidden = state.messages.length > 0 || Boolean(state.lost);
    revealLastTurn();
  }

  /** What the log says when the server lost the conversation, with a button to start again. */
  function lostElement() {
    const words = labels();
    const button = create("button", { type: "button", class: "sos-chat__restart", text: words.startAgain });
    button.addEventListener("click", newConversation);
    return create("div", { class: "sos-chat__lost", lang: state.language }, [
      create("p", { class: "sos-chat__lost-text", text: words.sessionLost }),
      button,
    ]);
  }

  /** The person goes on without pressing the button: the notice has been read. */
  function dismissLost() {
    if (!state.lost) return;
    delete state.lost;
    saveState();
    for (const element of ui.log.querySelectorAll(".sos-chat__lost")) element.remove();
  }

  function scrollToEnd() {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  /** Scroll to the end, unless the last question and its answers do not fit: then to the question. */
  function revealLastTurn() {
    const questions = ui.log.querySelectorAll(".sos-chat__message--user");
    const start = questions[questions.length - 1] || ui.log.firstElementChild;
    const end = ui.scroller.scrollHeight - ui.scroller.clientHeight;
    ui.scroller.scrollTop = start ? Math.min(end, start.offsetTop - 12) : end;
  }

  // --- Status: typing indicator and notices ----------------------------------------------------

  let replyTimer = null;
  let notice = null;

  function showNotice(key) {
    notice = key;
    ui.notice.textContent = labels()[key];
  }

  function clearNotice(key) {
    if (key && notice !== key) return;
    notice = null;
    ui.notice.textContent = "";
  }

  function startWaiting() {
    ui.typing.hidden = false;
    scrollToEnd();
    window.clearTimeout(replyTimer);
    replyTimer = window.setTimeout(() => {
      stopWaiting();
      showNotice("timeout");
    }, REPLY_TIMEOUT_MS);
  }

  function stopWaiting() {
    window.clearTimeout(replyTimer);
    replyTimer = null;
    ui.typing.hidden = true;
  }

  // --- Connection --------------------------------------------------------------------------

  let socket = null;
  let confirmed = false;
  const outbox = [];

  function connect() {
    if (socket || typeof window.io !== "function" || !options.socketUrl) return;
    socket = window.io(options.socketUrl, { transports: ["websocket"], reconnectionDelayMax: 10000 });
    socket.on("connect", requestSession);
    socket.on("session_confirm", onSessionConfirm);
    socket.on("session_lost", onSessionLost);
    socket.on("bot_uttered", onBotMessage);
    socket.on("connect_error", () => showNotice("reconnecting"));
    socket.on("disconnect", (reason) => {
      confirmed = false;
      if (reason === "io client disconnect") return;
      showNotice("reconnecting");
      if (reason === "io server disconnect") socket.connect();
    });
  }

  /**
   * Ask for the session; `resumed` tells the server there is a conversation to go on with: one
   * it confirmed before. A first message typed before the first confirmation is in the
   * transcript already, but the server has never seen it: that session is new, not lost.
   */
  function requestSession() {
    const resumed = state.confirmed === undefined ? state.messages.length > 0 : state.confirmed;
    socket.emit("session_request", { session_id: state.sessionId, resumed });
  }

  /**
   * The server no longer has the conversation the transcript shows (it restarted, and with it
   * the consent and answers it held): clear the transcript, say so, and ask for a new session.
   * What waited in the outbox belonged to the lost conversation and is dropped with it.
   */
  function onSessionLost() {
    const open = state.open;
    clearState();
    state = newState(state.language);
    state.open = open;
    state.lost = true;
    saveState();
    outbox.length = 0;
    stopWaiting();
    clearNotice();
    renderTranscript();
    requestSession();
  }

  function onSessionConfirm(sessionId) {
    if (typeof sessionId === "string" && sessionId && sessionId !== state.sessionId) {
      state.sessionId = sessionId;
    }
    state.confirmed = true;
    saveState();
    confirmed = true;
    clearNotice("reconnecting");
    flush();
  }

  /** Send what waits in the outbox, once the server has confirmed the session. */
  function flush() {
    while (confirmed && outbox.length) {
      socket.emit("user_uttered", { ...outbox.shift(), session_id: state.sessionId });
    }
  }

  function emit(text, language) {
    outbox.push({ message: text, customData: { language } });
    connect();
    flush();
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") return;
    const text = typeof data.text === "string" ? data.text : "";
    const image = data.attachment && data.attachment.type === "image" && data.attachment.payload ? data.attachment.payload.src : null;
    const replies = (Array.isArray(data.quick_replies) ? data.quick_replies : [])
      .filter((reply) => reply && typeof reply.title === "string" && typeof reply.payload === "string")
      .map((reply) => ({ title: reply.title, payload: reply.payload }));
    if (!text && !image && !replies.length) return;
    stopWaiting();
    clearNotice("timeout");
    const detected = detectLanguage(text);
    if (detected && detected !== state.language) setLanguage(detected);
    const message = { from: "bot", text, lang: detected || state.language };
    if (replies.length) message.replies = replies;
    if (typeof image === "string" && /^https?:\/\//i.test(image)) message.image = image;
    addMessage(message);
  }

  // --- What the person does ----------------------------------------------------------------

  /** Send `payload` to the assistant while the transcript shows `shown`. */
  function say(shown, payload) {
    clearNotice("timeout");
    dismissLost();
    addMessage({ from: "user", text: shown, lang: state.language });
    startWaiting();
    emit(payload, state.language);
  }

  function sendTyped() {
    const text = ui.input.value.trim().slice(0, MAX_LENGTH);
    if (!text) return;
    ui.input.value = "";
    resizeInput();
    say(text, text);
  }

  function sendReply(reply) {
    say(reply.title, reply.payload);
    ui.input.focus();
  }

  function setLanguage(language) {
    state.language = language;
    saveState();
    applyLabels();
  }

  function switchLanguage(language) {
    if (language === state.language) return;
    setLanguage(language);
    say(LANGUAGE_NAMES[language], `/switch_language{"language": "${language}"}`);
  }

  function newConversation() {
    const language = state.language;
    clearState();
    state = newState(language);
    state.open = true;
    saveState();
    outbox.length = 0;
    stopWaiting();
    clearNotice();
    renderTranscript();
    if (socket) {
      // A new socket leaves the old session's room: its late answers cannot show here.
      confirmed = false;
      socket.disconnect();
      socket.connect();
    }
    ui.input.focus();
  }

  function openPanel(moveFocus = true) {
    ui.panel.hidden = false;
    ui.launcher.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    connect();
    scrollToEnd();
    if (moveFocus) ui.input.focus();
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    ui.launcher.focus();
  }

  function resizeInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight, 120)}px`;
  }

  function bindEvents() {
    ui.launcher.addEventListener("click", () => openPanel());
    ui.close.addEventListener("click", closePanel);
    ui.newConversation.addEventListener("click", newConversation);
    for (const button of ui.languageButtons) {
      button.addEventListener("click", () => switchLanguage(button.dataset.language));
    }
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closePanel();
      }
    });
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      sendTyped();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendTyped();
      }
    });
    ui.input.addEventListener("input", resizeInput);
  }

  let state = loadState();
  const ui = buildWidget();
  applyLabels();
  renderTranscript();
  bindEvents();
  if (state.open) openPanel(false);
})();
