# SpikeKit — build, data, notebooks, tests. `make help` lists the targets.
# Settings (environment or command line): MODE=quick|full  BACKEND=cpu|cuda|nd4j
# DATA=auto|real|synthetic  SEED=1  CELL_TIMEOUT=1800 (seconds per notebook cell)
# EXECUTOR=local|slurm (sweeps; reproduce with slurm sends the RSNN, Spikachu and SpikeNN training runs to the cluster).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

MODE ?= quick
BACKEND ?= cpu
DATA ?= auto
SEED ?= 1
CELL_TIMEOUT ?= 1800
KERNEL_XMX ?= 8g
BENCH_REPEATS ?= 5
# make bench-peers: the Python with torch, numba, numpy (Debian's, see env/apt-peers.txt), the checkouts' folder, optional paper subset
PYTHON ?= /usr/bin/python3
PEERS ?=
PEER_ONLY ?=
EXECUTOR ?= local
SWEEP_ARGS ?=
export MODE BACKEND DATA SEED
export SPIKEKIT_HOME := $(CURDIR)
export SPIKEKIT_BACKEND := $(BACKEND)
# The kernelspec lives inside the project; nothing is installed into the user's Jupyter dirs.
export JUPYTER_PATH := $(CURDIR)/env/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))

JDK := $(shell env/find-jdk.sh 2>/dev/null)
need_jdk = @if [ -z "$(JDK)" ]; then env/find-jdk.sh >/dev/null; exit 1; fi
MVN := JAVA_HOME=$(JDK) PATH=$(JDK)/bin:$$PATH mvn -B --no-transfer-progress
JAVA := $(JDK)/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED

VERSION := $(shell sed -n '/<artifactId>spikekit-parent</{n;s:.*<version>\(.*\)</version>.*:\1:p;}' pom.xml)
RJK_VERSION := $(shell sed -n 's:.*<rapaio.kernel.version>\(.*\)</rapaio.kernel.version>.*:\1:p' pom.xml)
LIB_JAR := lib/target/spikekit-$(VERSION).jar
LIB_CP := $(LIB_JAR):lib/target/lib/*
LIB_SRC := pom.xml lib/pom.xml LICENSE $(shell find lib/src/main -type f 2>/dev/null)
KERNEL_JAR := env/kernel/rapaio-jupyter-kernel-$(RJK_VERSION).jar
# The jar the kernelspec runs: KERNEL_JAR with the kit's start-up race fix (env/kernel-fix, env/patch-kernel.sh).
KERNEL_PATCHED := env/kernel/rapaio-jupyter-kernel-$(RJK_VERSION)-spikekit.jar
KERNEL_FIX_SRC := $(shell find env/kernel-fix/src -name '*.java' 2>/dev/null)
KERNEL_STARTS ?= 100
KERNELSPEC := env/jupyter/kernels/spikekit/kernel.json
JUPYTER_OK := env/jupyter/.jupyter-installed

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NB_OUT := results/notebooks/$(MODE)
NB_DONE := $(patsubst notebooks/%.ipynb,$(NB_OUT)/%.ipynb,$(NOTEBOOKS))

.PHONY: help env lib install data fetch-odoherty rsnn-forward test-rsnn-forward notebooks reproduce test unit runner-selftest test-kernel test-slurm test-hdf5 fixtures sweep kit-sweeps bench bench-peers env-peers notebook kernel-user clean distclean

help: ## list the targets
	@echo "SpikeKit $(VERSION) — targets (settings: MODE=$(MODE) BACKEND=$(BACKEND) DATA=$(DATA) SEED=$(SEED)):"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

env: $(JUPYTER_OK) $(KERNEL_PATCHED) $(KERNELSPEC) ## install Jupyter (Debian packages) and the spikekit Java kernel (Maven Central jar + the kit's start-up fix)

$(JUPYTER_OK): env/apt-packages.txt env/install-jupyter.sh
	env/install-jupyter.sh
	@mkdir -p $(@D) && touch $@

$(KERNEL_JAR): pom.xml
	$(need_jdk)
	$(MVN) -q dependency:copy -Dartifact=io.github.padreati:rapaio-jupyter-kernel:$(RJK_VERSION) -DoutputDirectory=env/kernel
	@touch $@

$(KERNEL_PATCHED): $(KERNEL_JAR) env/patch-kernel.sh $(KERNEL_FIX_SRC)
	$(need_jdk)
	env/patch-kernel.sh "$(JDK)" $(KERNEL_JAR) $@

$(KERNELSPEC): $(LIB_JAR) $(KERNEL_PATCHED) env/kernel.json.in env/install-kernel.sh
	env/install-kernel.sh "$(JDK)" $(LIB_JAR) lib/target/lib $(KERNEL_PATCHED) $(KERNEL_XMX)

lib: $(LIB_JAR) ## build the library jar (tests skipped) and collect its dependencies in lib/target/lib

# The notebooks need only the jar and lib/target/lib: no javadoc, no examples module.
$(LIB_JAR): $(LIB_SRC)
	$(need_jdk)
	$(MVN) -q package -DskipTests -Dmaven.javadoc.skip=true -pl lib -am
	@touch $@

install: ## install org.spikekit:spikekit:VERSION (jar, sources jar, javadoc jar; tests skipped) into your local Maven repository (~/.m2)
	$(need_jdk)
	$(MVN) -q install -DskipTests -pl lib -am
	@echo "install: org.spikekit:spikekit:$(VERSION) (jar, -sources.jar, -javadoc.jar) and its parent POM are in your local Maven repository"

DATA_CLI = $(JDK)/bin/java -cp '$(LIB_CP)' org.spikekit.data.DataCli

# Each step skips what is up to date: fetch-data.sh only fetches absent files, verify re-hashes only
# files changed since their digest was cached (data/.cache/), synth rewrites a stand-in only when it
# is missing or its stored generator config differs (so switching MODE regenerates; none with DATA=real).
data: $(LIB_JAR) ## fetch the real data reachable here, verify data/raw against data/manifest, write the synthetic stand-ins MODE needs
	@env/fetch-data.sh
	@$(DATA_CLI) verify $(CURDIR)
	@$(if $(filter real,$(DATA)),echo "data: DATA=real: no synthetic stand-ins written",$(DATA_CLI) synth odoherty --mode $(MODE) $(CURDIR) && $(DATA_CLI) synth images --mode $(MODE) $(CURDIR) && $(DATA_CLI) synth perich --mode $(MODE) $(CURDIR))

fetch-odoherty: $(LIB_JAR) ## try to download the O'Doherty sessions from Zenodo into data/raw/odoherty (needs internet)
	@$(DATA_CLI) fetch odoherty $(CURDIR)

RSNN_FORWARD = $(JAVA) -cp '$(LIB_CP)' org.spikekit.model.RsnnForward

rsnn-forward: $(LIB_JAR) ## a released tinyRSNN checkpoint on your input: make rsnn-forward CKPT=file.pth INPUT=spikes.npy OUT=dir [PRECISION=float32] → OUT/pred.npy, OUT/spikes.npy
	@test -n "$(CKPT)" -a -n "$(INPUT)" -a -n "$(OUT)" || { echo "make rsnn-forward: set CKPT=model.pth INPUT=spikes.npy ([T, inputs]) OUT=dir, e.g. CKPT=data/reference/rsnn-released/models/indy01/tinyRSNN-1.pth"; exit 2; }
	@$(RSNN_FORWARD) "$(CKPT)" "$(INPUT)" "$(OUT)" $(if $(filter float32,$(PRECISION)),--float32)

# make rsnn-forward on the committed golden input must write the golden files, byte for byte
test-rsnn-forward: $(LIB_JAR) ## check that make rsnn-forward reproduces the committed golden forward pass of a released tinyRSNN
	@set -e; g=data/reference/rsnn-released/golden-indy01-tinyRSNN-1; out=$$(mktemp -d); \
	$(MAKE) --no-print-directory rsnn-forward CKPT=data/reference/rsnn-released/models/indy01/tinyRSNN-1.pth INPUT=$$g/input.npy OUT=$$out; \
	cmp $$out/spikes.npy $$g/spikes.npy && cmp $$out/pred.npy $$g/pred.npy && echo "rsnn-forward: spikes.npy and pred.npy equal $$g, byte for byte"; \
	rm -rf $$out

notebooks: $(NB_DONE) ## execute every notebooks/NN_*.ipynb headless, in order (with -j3 the RSNN, Spikachu-training and SpikeNN blocks side by side; copies in results/notebooks/MODE)

# Each executed notebook depends on its source, the library, the kernelspec and the notebook
# before it in its group (later notebooks read what earlier ones wrote). A group is named by a
# prefix of notebook names and holds the notebooks that no longer listed prefix claims: 2 is
# 20-28, 29 is 29_tables_spikachu alone. The groups run in NB_STAGES order, each stage after every
# notebook of the stages before it; the groups of one stage (1+2+3: RSNN, Spikachu's training,
# SpikeNN) run side by side under make -j (make reproduce and make test use -j$(NB_JOBS)): none
# of them measures speed and each writes only its own results/ and figures/ folders. Spikachu's
# tables (29: it times every model's batch-1 latency again), Blocks (4: speed) and the rest run
# one at a time after them, on an otherwise idle machine.
NB_STAGES := 0 1+2+3 29 4 5 6 7 8 9
NB_JOBS ?= $(if $(filter 1,$(shell nproc 2>/dev/null || echo 1)),1,3)
NB_GROUPS := $(subst +, ,$(NB_STAGES))
nb_claimed = $(foreach h,$(NB_GROUPS),$(if $(and $(filter-out $(1),$(h)),$(filter $(1)%,$(h))),$(filter $(NB_OUT)/$(h)%,$(NB_DONE))))
nb_group = $(filter-out $(call nb_claimed,$(1)),$(filter $(NB_OUT)/$(1)%,$(NB_DONE)))
$(NB_OUT)/%.ipynb: notebooks/%.ipynb $(LIB_JAR) $(KERNELSPEC) $(JUPYTER_OK)
	@env/run-notebook.sh $< $(NB_OUT) $(CELL_TIMEOUT)
$(foreach g,$(NB_GROUPS),$(foreach i,$(shell seq 2 $(words $(call nb_group,$(g)))),\
  $(eval $(word $(i),$(call nb_group,$(g))): $(word $(shell expr $(i) - 1),$(call nb_group,$(g))))))
NB_BEFORE :=
$(foreach s,$(NB_STAGES),\
  $(foreach g,$(subst +, ,$(s)),$(if $(and $(call nb_group,$(g)),$(strip $(NB_BEFORE))),$(eval $(firstword $(call nb_group,$(g))): $(NB_BEFORE))))\
  $(eval NB_BEFORE += $(foreach g,$(subst +, ,$(s)),$(call nb_group,$(g)))))

SWEEP_CLI = $(JAVA) -cp '$(LIB_CP)' org.spikekit.sweep.SweepCli

sweep: $(LIB_JAR) ## run a sweep: make sweep SWEEP=results/sweeps/NAME/sweep.json [EXECUTOR=local|slurm] [SWEEP_ARGS="--parallel 4"]
	@test -n "$(SWEEP)" || { echo "make sweep: set SWEEP=path/to/sweep.json (write one with: java -cp ... org.spikekit.sweep.SweepCli plan NAME ..., see env/README.md)"; exit 2; }
	$(SWEEP_CLI) run $(SWEEP) --executor $(EXECUTOR) $(SWEEP_ARGS)

KIT_SWEEPS ?= rsnn spikachu spikenn
kit-sweeps: $(LIB_JAR) data ## the notebooks' RSNN, Spikachu single-session and SpikeNN K-fold runs as sweeps on EXECUTOR (make reproduce does this first with EXECUTOR=slurm)
	@set -e; for p in $(KIT_SWEEPS); do \
	  $(SWEEP_CLI) kit $$p --mode $(MODE); \
	  $(SWEEP_CLI) run results/sweeps/kit-$$p-$(MODE)/sweep.json --executor $(EXECUTOR) $(SWEEP_ARGS); \
	done

reproduce: env lib data $(if $(filter slurm,$(EXECUTOR)),kit-sweeps) ## everything: env, lib, data, all notebooks → results/ and figures/ (EXECUTOR=slurm: training runs on the cluster first)
	@$(MAKE) --no-print-directory -j$(NB_JOBS) notebooks
	@echo "Tables and provenance: results/<group>/*.csv + *.provenance.json"
	@echo "Figures:               figures/<group>/*.png + *.svg"
	@echo "Executed notebooks:    $(NB_OUT)/"

# Data first, so the unit tests that read the real MNIST / Fashion-MNIST files run instead of being skipped.
test: ## every test: quick data, mvn verify (unit, gradient, conformance, parity), rsnn-forward vs its golden set, HDF5 check against libhdf5, 100 kernel starts, runner self-test, sweep/SLURM test, all notebooks in quick mode
	$(MAKE) --no-print-directory data MODE=quick
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory test-rsnn-forward
	$(MAKE) --no-print-directory test-hdf5
	$(MAKE) --no-print-directory test-kernel
	$(MAKE) --no-print-directory runner-selftest
	$(MAKE) --no-print-directory test-slurm
	$(MAKE) --no-print-directory -j$(NB_JOBS) notebooks MODE=quick

runner-selftest: env ## check that a failing notebook cell, or HTML output without a tag, fails the run and is named
	env/selftest-runner.sh

# Each start: kernel_info on shell, a heartbeat echo, shutdown_request on control; two kernels at a time
# (about 2.9 CPU-seconds a start: 3 to 4.5 minutes on 2 cores). KERNEL_STARTS=N for more or fewer.
test-kernel: env ## start the spikekit kernel KERNEL_STARTS (100) times; fails if any start hangs or dies
	@py=; for p in /usr/bin/python3 python3; do if $$p -c 'import jupyter_client' >/dev/null 2>&1; then py=$$p; break; fi; done; \
	  if [ -z "$$py" ]; then echo "test-kernel: no python3 with jupyter_client (make env installs it)" >&2; exit 1; fi; \
	  $$py env/test-kernel-starts.py --starts $(KERNEL_STARTS)

test-slurm: $(LIB_JAR) ## sweeps end to end: local executor and a one-node SLURM cluster on loopback, runs killed and resumed
	$(need_jdk)
	env/test-sweeps.sh "$(JDK)/bin/java" "$(CURDIR)/$(LIB_JAR):$(CURDIR)/lib/target/lib/*"

test-hdf5: $(LIB_JAR) $(JUPYTER_OK) ## every HDF5 layout the kit writes opens in libhdf5 (h5dump, h5py) with the values the kit reads back
	$(need_jdk)
	env/test-hdf5.sh "$(JDK)/bin/java" "$(CURDIR)/$(LIB_JAR):$(CURDIR)/lib/target/lib/*"

# The reader fixtures written by libhdf5 (h5py, hdmf); committed, so tests need no Python.
fixtures: ## regenerate lib/src/test/resources/fixtures/ with libhdf5 (Debian python3-h5py, python3-hdmf)
	env/install-jupyter.sh env/apt-packages-fixtures.txt
	@py=; for p in /usr/bin/python3 python3; do if $$p -c 'import h5py, hdmf' >/dev/null 2>&1; then py=$$p; break; fi; done; \
	  if [ -z "$$py" ]; then echo "fixtures: no python3 with h5py and hdmf (Debian: python3-h5py python3-hdmf)" >&2; exit 1; fi; \
	  echo "$$py env/fixtures/make_fixtures.py"; $$py env/fixtures/make_fixtures.py

unit: ## mvn verify only (library tests, javadoc, and examples/ compiled and run)
	$(need_jdk)
	$(MVN) verify

bench: $(LIB_JAR) ## run the speed benchmarks (each suite in its own JVM) → results/bench/compute.csv
	$(JAVA) -cp '$(LIB_CP)' -Xmx16g org.spikekit.bench.BenchMain $(CURDIR)/results/bench $(BENCH_REPEATS)

# The authors' code runs from the user's checkouts (env/peers/README.md); nothing is fetched.
bench-peers: $(LIB_JAR) ## time the authors' code beside the kit's: make bench-peers PEERS=dir [BENCH_REPEATS=n] [PEER_ONLY=blocks,spikenn,rsnn] → results/bench/peers.csv
	@test -n "$(PEERS)" || { echo "make bench-peers: set PEERS=dir, the folder holding the authors' checkouts (dir/Blocks, dir/SpikeNN; see env/peers/README.md)"; exit 2; }
	$(JAVA) -cp '$(LIB_CP)' -Xmx16g org.spikekit.bench.PeerBench --peers "$(PEERS)" --out $(CURDIR)/results/bench/peers.csv \
	  --repeats $(BENCH_REPEATS) --python "$(PYTHON)" --scripts $(CURDIR)/env/peers $(if $(PEER_ONLY),--only $(PEER_ONLY)) \
	  --command "make bench-peers PEERS=$(PEERS) BENCH_REPEATS=$(BENCH_REPEATS)$(if $(PEER_ONLY), PEER_ONLY=$(PEER_ONLY))"

env-peers: ## install the Debian packages make bench-peers needs (env/apt-peers.txt: python3-torch, python3-numba, ...)
	env/install-peers.sh

notebook: env ## open the notebooks in a browser (installs jupyter-notebook if missing)
	env/install-jupyter.sh env/apt-packages-interactive.txt
	cd notebooks && jupyter notebook

kernel-user: $(KERNELSPEC) ## also install the spikekit kernel into your user Jupyter (for JupyterLab etc.)
	JUPYTER_PATH= jupyter kernelspec install --user --replace --name spikekit env/jupyter/kernels/spikekit

clean: ## remove build outputs and executed notebooks (keeps data, results and figures)
	$(if $(JDK),$(MVN) -q clean,rm -rf lib/target)
	rm -rf results/notebooks

distclean: clean ## also remove synthetic data, results, figures and the kernel (keeps data/raw and the tracked results/bench figures)
	rm -rf data/synthetic env/kernel env/jupyter
	find results figures -mindepth 1 -maxdepth 1 ! -name README.md ! -path results/bench -exec rm -rf {} +
	find results/bench -mindepth 1 -maxdepth 1 ! -name '*.md' ! -name peers.csv -exec rm -rf {} + 2>/dev/null || true
