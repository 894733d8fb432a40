# The two commands a newcomer needs: `make run` and `make test`. Both set up what is missing.
.PHONY: setup run stop test unit bench lint lint-check clean

setup:
	scripts/setup.sh

run: setup
	scripts/run.sh

stop:
	scripts/run.sh stop

test:
	scripts/test.sh

unit: setup
	.venv/bin/python -m pytest shared/tests services

bench: setup
	scripts/bench.sh

lint: setup lint-check

lint-check:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy shared/src services/*/src
	.venv/bin/lint-imports

clean: stop
	rm -rf .run
