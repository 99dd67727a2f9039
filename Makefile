# Rewind — see README.md. `make run` sets up and starts the app; `make test`
# sets up and runs every test.
SHELL := /bin/bash
export GOTOOLCHAIN := local
export GOFLAGS := -buildvcs=false
export CGO_ENABLED := 1
GOBIN := $(shell go env GOPATH)/bin
WAILS := $(GOBIN)/wails

.PHONY: run setup setup-test build test test-go test-integration test-frontend e2e bench clean

run: build
	./build/bin/rewind

setup:
	bash .ci/setup

setup-test:
	bash .ci/setup --test

build: setup
	$(WAILS) build

test: setup-test
	bash .ci/test

test-go:
	go vet ./...
	go test -race ./...

test-frontend:
	cd frontend && npm run typecheck && npm test

bench: setup
	bash .ci/bench/run

e2e: setup-test
	bash .ci/e2e

clean:
	rm -rf build/bin build/e2e
