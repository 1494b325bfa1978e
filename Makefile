# Testgate: the two commands are `make run` and `make test`.
GO      ?= go
TEMPL   := $(GO) tool templ
ADDR    ?= 127.0.0.1:8080
DB      ?= ./data/testgate.db
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test quick lint generate build bench drive load chaos vuln fuzz testtools clean

## run: serve the console at http://$(ADDR) with an embedded database under ./data
run:
	$(GO) run ./cmd/testgate serve --addr $(ADDR) --db $(DB)

## test: lint, then every test including the browser flows and PDF reports (installs Chromium and poppler-utils if missing), under the race detector; then the store's and the web's tests again on PostgreSQL (a throwaway cluster on loopback that .ci/postgres installs and starts), the browser flows left to the first run
# The PostgreSQL pass runs beside the race pass: the race pass leaves a
# core idle about 40 % of the time (browser tests, subprocesses, waits).
test: lint testtools
	@url="$$(bash .ci/postgres)" || exit 1; out="$$(mktemp -d)"; \
	echo "TESTGATE_TEST_POSTGRES=$$url $(GO) test -race -count=1 -timeout 15m ./... (and beside it the store's and the web's tests on PostgreSQL)"; \
	TESTGATE_TEST_POSTGRES="$$url" TESTGATE_TEST_STORE=postgres $(GO) test -count=1 -timeout 10m -skip '^TestBrowser' ./store ./web >"$$out/pg" 2>&1 & pg=$$!; \
	TESTGATE_TEST_POSTGRES="$$url" $(GO) test -race -count=1 -timeout 15m ./...; race=$$?; \
	wait $$pg; pgrc=$$?; \
	echo "the store's and the web's tests again, on PostgreSQL:"; cat "$$out/pg"; rm -rf "$$out"; \
	[ $$race -eq 0 ] && [ $$pgrc -eq 0 ]

## quick: the edit loop — every test but the browser flows, PostgreSQL and the crash tests, without the race detector, on SQLite
QUICK_SKIP := ^TestBrowser|^TestAxe|Postgres|/postgres$$|^TestCopy|^TestMigrateHidesThePassword|^TestChaos|^TestBackupUnderWrites|^TestVendorClients|^TestImportResumesAfterKill
quick:
	$(GO) test -count=1 -skip '$(QUICK_SKIP)' ./...

## lint: gofmt, go vet, staticcheck's default checks, and generated templ code up to date
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@tmp="$$(mktemp -d)"; cp -r views go.mod go.sum "$$tmp/"; \
	(cd "$$tmp" && $(TEMPL) generate >/dev/null 2>&1) || { echo "templ generate failed"; rm -rf "$$tmp"; exit 1; }; \
	if ! diff -r -q views "$$tmp/views" >/dev/null; then \
		diff -r views "$$tmp/views" | head -40; rm -rf "$$tmp"; \
		echo "generated templ code is stale: run make generate and commit"; exit 1; fi; \
	rm -rf "$$tmp"; echo "lint ok"

## generate: regenerate templ components
generate:
	$(TEMPL) generate

## build: a static binary in ./bin
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o bin/testgate ./cmd/testgate

## bench: Go benchmarks, then the real binary against this machine's limits (a table with ratios), the campus drive (also on PostgreSQL 1 ms away, and again with each server process confined to a quarter of a CPU, which needs root), and SQLite against one and two processes on PostgreSQL, near and 1 ms away, with round trips per request (a throwaway cluster, .ci/postgres), then again on a cluster that commits durably as in production (fsync on)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	$(GO) run ./cmd/loadbench -bin bin/testgate
	$(GO) run ./cmd/loadbench -bin bin/testgate -drive -drive-postgres "$$(bash .ci/postgres)" -server-cpus 0.25
	$(GO) run ./cmd/loadbench -bin bin/testgate -scale "$$(bash .ci/postgres)"
	$(GO) run ./cmd/loadbench -bin bin/testgate -scale "$$(TESTGATE_PG_PORT=55433 TESTGATE_PG_DURABLE=1 bash .ci/postgres)"
	TESTGATE_PG_PORT=55433 bash .ci/postgres stop

## drive: the campus drive, an open-loop start of N candidates within 30 s, climbing N until an action's p99 passes 200 ms
drive: build
	$(GO) run ./cmd/loadbench -bin bin/testgate -drive

## load: 60 s of candidates, recruiters, API clients and an import at once; fails on any 5xx
LOADTIME ?= 60s
load: build
	$(GO) run ./cmd/loadbench -bin bin/testgate -mixed $(LOADTIME)

## chaos: kill the real binary with SIGKILL 25 times under load, then check the invariants
KILLS ?= 25
chaos:
	TESTGATE_CHAOS_KILLS=$(KILLS) $(GO) test -count=1 -run '^TestChaosKillsAndRestarts$$' -v ./cmd/testgate

## vuln: known vulnerabilities in the code's call graph (needs https://vuln.go.dev)
vuln:
	$(GO) tool govulncheck ./...

## fuzz: run each fuzz target for a while
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeNativeTest$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeNativeLink$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeIMochaInvite$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeXobinInvite$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeThinkExamAssign$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeTestinviteCandidate$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzParseCandidates$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzConsoleForms$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzThinkExamSignature$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzAPIRoutes$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzPageReport$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzBankCSV$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./web
	$(GO) test -run '^$$' -fuzz '^FuzzWording$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./mail
	$(GO) test -run '^$$' -fuzz '^FuzzReportPDF$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./views

## testtools: Debian's Chromium for the chromedp tests, poppler-utils (pdftotext) to read the PDF reports and fonts-droid-fallback and fonts-nanum to print Chinese, Japanese and Korean in them and fonts-noto-color-emoji their emoji, curl and openssl for the README's examples, and the Nu Html Checker (npm's vnu-jar, on Java; npm comes with the machine's Node.js) for every page the browser tests are served
VNU_VERSION := 26.9.27
VNU_DIR     := $(HOME)/.cache/testgate-vnu
testtools:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 && \
	command -v openssl >/dev/null 2>&1 && command -v java >/dev/null 2>&1 && \
	[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] && [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] && \
	[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || { \
		echo "installing chromium, poppler-utils, curl, openssl, Java and the PDF reports' fallback fonts for the tests"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium poppler-utils curl openssl default-jre-headless fonts-droid-fallback fonts-nanum fonts-noto-color-emoji; }
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch the Nu Html Checker (vnu-jar); the machine's Node.js brings it"; exit 1; }
	@[ -f "$(VNU_DIR)/node_modules/vnu-jar/build/dist/vnu.jar" ] || { \
		echo "installing the Nu Html Checker (vnu-jar $(VNU_VERSION)) into $(VNU_DIR)"; \
		mkdir -p "$(VNU_DIR)" && npm install --prefix "$(VNU_DIR)" --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION); }

clean:
	rm -rf bin
