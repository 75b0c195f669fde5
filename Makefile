# Thin wrapper over scripts/ for people who type make.
.PHONY: run test build
run:
	./scripts/run.sh
test:
	./scripts/test.sh
build:
	./scripts/build.sh
