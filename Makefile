# The old generator's make targets, on bronze-factories. Settings come from the environment as
# usual (BRONZE_DATABASE_URL, BRONZE_CUSTOMERS..., or the old NUM_CUSTOMERS, DAYS_OF_DATA...);
# ARGS adds flags: make load-data ARGS="--customers 1000 --products 500 --days 30"
PYTHON ?= python
OUTPUT_DIR ?= data
FORMAT ?= csv
ARGS ?=

.PHONY: generate-data load-data

## generate-data: write the dataset as files into $(OUTPUT_DIR) (no database)
generate-data:
	$(PYTHON) -m bronze_factories.populate --output-dir $(OUTPUT_DIR) --format $(FORMAT) $(ARGS)

## load-data: load the dataset into BRONZE_DATABASE_URL (default: the SQLite file bronze.db)
load-data:
	$(PYTHON) -m bronze_factories.populate --load $(ARGS)
