# The two commands a newcomer needs: `make run` and `make test`. Both set up what is missing.
.PHONY: setup run stop test soak unit bench lint lint-check clean

setup:
	scripts/setup.sh

run: setup
	scripts/run.sh

stop:
	scripts/run.sh stop

test:
	scripts/test.sh

# The long variants of tests/resilience: Schemathesis with many more examples per operation
# (PAS_FUZZ_MAX_EXAMPLES, each app's run bounded by PAS_FUZZ_TIMEOUT seconds), and the fault
# tests scaled up (PAS_FAULTS_SCALE: kill rounds per service, malformed messages per kind x 20).
soak:
	PAS_FUZZ_MAX_EXAMPLES=$${PAS_FUZZ_MAX_EXAMPLES:-100} PAS_FUZZ_TIMEOUT=$${PAS_FUZZ_TIMEOUT:-3600} \
	PAS_FAULTS_SCALE=$${PAS_FAULTS_SCALE:-3} scripts/test.sh tests/resilience

unit: setup
	.venv/bin/python -m pytest shared/tests services

bench: setup
	scripts/bench.sh

lint: setup lint-check

lint-check:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy shared/src services/*/src ops/src
	.venv/bin/lint-imports

clean: stop
	rm -rf .run
