# Jihat — common tasks. `make test` is the one command that runs every test:
# it installs and starts a private PostgreSQL and Redis (scripts/test.sh).
#
#   make test                          go vet + go test -race on every package
#   make test PKG=./store/... TESTFLAGS='-run=TestCase -v'
#   make bench [PKG=...] [BENCHFLAGS=-benchtime=2s]
#   make fuzz-smoke [FUZZTIME=10s]     every Fuzz target, briefly
#   make services-start / services-stop  a developer's own servers (prints exports)

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

PKG        ?= ./...
TESTFLAGS  ?=
BENCHFLAGS ?=
FUZZTIME   ?= 10s
BIN        ?= bin/jihat
export PKG TESTFLAGS BENCHFLAGS FUZZTIME

.PHONY: all build run test bench fuzz-smoke vet fmt services-start services-stop

all: build

## build: compile every package and the server binary into $(BIN)
build:
	go build ./...
	go build -o $(BIN) ./cmd/jihat

## run: start the server with the embedded defaults (SQLite in ./data)
run:
	go run ./cmd/jihat

## test: vet and race-test $(PKG) against private PostgreSQL and Redis
test:
	scripts/test.sh test

## bench: benchmarks of $(PKG), with the same servers
bench:
	scripts/test.sh bench

## fuzz-smoke: each Fuzz target in $(PKG) for $(FUZZTIME)
fuzz-smoke:
	scripts/test.sh fuzz-smoke

## vet: go vet $(PKG)
vet:
	go vet $(PKG)

## fmt: gofmt every Go file in place
fmt:
	gofmt -w .

## services-start: start servers for your shell: eval "$$(make -s services-start)"
services-start:
	@scripts/services.sh start

## services-stop: stop the servers started by services-start
services-stop:
	scripts/services.sh stop $(JIHAT_TEST_STATE_DIR)
