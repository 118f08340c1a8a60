# Two commands: `make demo` and `make test`. Both set everything up first (a .venv with the package).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install model cv benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/desec demo -o out

test: $(STAMP)
	$(BIN)/python -m pytest

# Re-train the shipped model from the bundled corpus (reproducible: fixed seeds).
model: $(STAMP)
	$(BIN)/desec train corpus -o models/default

# Document-grouped 5-fold cross-validation of the model and the rule tagger.
cv: $(STAMP)
	$(BIN)/desec evaluate corpus --cv 5

benchmark: $(STAMP)
	$(BIN)/python benchmarks/throughput.py --sentences 100000

clean:
	rm -rf $(VENV) out build *.egg-info
