"""Start-up pays only for what a command needs (issue 12): which modules a fresh process
has loaded after ``--version``, ``--help`` or ``search``. Speed itself is measured by
benchmarks/startup.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import corroborate
from corroborate import cli, cli_vocab
from corroborate.capture import DEFAULT_MAX_BYTES
from corroborate.overlay import VOCABULARIES
from corroborate.store import Store
from corroborate.store.reading import MAX_LIMIT

HEAVY = ("numpy", "scipy", "datasketch", "trafilatura", "lxml", "starlette", "uvicorn",
         "yaml", "corroborate.vocab", "corroborate.store")
# searching needs the store (SQLite, and numpy through it), never the cleaning, the
# clustering, the vocabularies' YAML or the web
NOT_FOR_SEARCH = ("scipy", "datasketch", "trafilatura", "lxml", "starlette", "uvicorn",
                  "yaml", "corroborate.clean", "corroborate.extract", "corroborate.pipeline",
                  "corroborate.export", "corroborate.web")

_RUN = """
import json, sys
from corroborate.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``corroborate ARGV``."""
    done = subprocess.run([sys.executable, "-c", _RUN, *argv], capture_output=True,
                          text=True, timeout=120, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _roots(modules: set[str]) -> set[str]:
    return modules | {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["search", "--help"]])
def test_version_and_help_load_no_heavy_module(argv):
    loaded = _roots(loaded_after(*argv))
    assert "corroborate.cli" in loaded  # the probe did run the command line
    assert sorted(loaded & set(HEAVY)) == []


def test_the_workers_fork_server_loads_neither_scipy_nor_datasketch():
    """docs/scale.md: what the workers run (corroborate.warm processes a report) computes
    the MinHash with numpy, so their fork server never loads scipy."""
    done = subprocess.run([sys.executable, "-c", "import json, sys, corroborate.warm; "
                           "print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, timeout=120, check=True)
    loaded = _roots(set(json.loads(done.stdout.strip().splitlines()[-1])))
    assert "corroborate.pipeline" in loaded and "numpy" in loaded  # it did warm up
    assert sorted(loaded & {"scipy", "datasketch"}) == []


def test_search_loads_only_what_searching_needs(tmp_path):
    Store.init(tmp_path / "c").close()
    loaded = _roots(loaded_after("search", "-c", str(tmp_path / "c"), "phone"))
    assert "corroborate.store" in loaded
    assert sorted(loaded & set(NOT_FOR_SEARCH)) == []


def test_importing_the_package_loads_none_of_it():
    code = "import json, sys, corroborate; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    loaded = set(json.loads(done.stdout))
    assert sorted(m for m in loaded if m.startswith("corroborate.")) == []
    assert sorted(_roots(loaded) & set(HEAVY)) == []


def test_every_lazy_name_resolves_to_its_module_attribute():
    for name in corroborate.__all__:
        value = getattr(corroborate, name)
        assert value is not None, name
        if name != "__version__":
            assert getattr(value, "__module__", "").startswith("corroborate."), name
    assert set(dir(corroborate)) >= set(corroborate.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        corroborate.no_such_name  # noqa: B018


def test_the_functions_named_like_their_modules_stay_functions():
    # importing a submodule binds it on its package, by the name of its function
    import corroborate.clean
    import corroborate.extract

    assert callable(corroborate.clean) and corroborate.clean.__name__ == "clean"
    assert callable(corroborate.extract) and corroborate.extract.__name__ == "extract"


def test_the_bounds_the_command_line_restates_match_their_owners():
    assert cli.DEFAULT_MAX_BYTES == DEFAULT_MAX_BYTES
    assert cli.MAX_LIMIT == MAX_LIMIT
    assert cli_vocab.VOCABULARIES == VOCABULARIES
