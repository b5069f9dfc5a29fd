# The two commands a user needs: `make run` and `make test`. Both install what
# is missing (Debian packages), configure and build first.
BUILD ?= build
JOBS ?= 2
PORT ?= 8080
DATA ?= ./kuzot-data
# The key that unlocks the data: created on the first run, kept outside $(DATA).
KEY ?= ./kuzot-key

.PHONY: all deps web configure build run test bench clean format

all: build

deps:
	bash scripts/install-deps.sh

# The C++ build runs the web build itself (src/http/CMakeLists.txt); this
# target builds only the web application, for working on it alone.
web: deps
	bash scripts/build-web.sh

configure: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/kuzot serve --demo --data $(DATA) --key-file $(KEY) --port $(PORT)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	rm -rf $(BUILD)
