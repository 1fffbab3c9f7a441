"""pytest plugin collecting YAML pipeline cases (``<config_dir>/pipeline-tests/*.yaml``).

Enable it in the root ``conftest.py``::

    pytest_plugins = ["transforms.testing.pytest_plugin"]

    def pytest_omnihub_pipelines(config_dir):        # compile the configuration
        return compile_all_pipelines(load_config(config_dir))

    def pytest_omnihub_output_checks(config_dir):    # optional: what outputs must pass
        return {"orders:v1": check_order}

and let pytest reach the case files (``testpaths`` or a path on the command line). The
configuration directory of a case file is the nearest parent holding ``routes.yaml``.
Each case becomes one test item named after the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from transforms.pipeline import Pipeline
from transforms.testing import hookspecs
from transforms.testing.cases import CASE_DIR, CaseFile, CaseFileError, load_case_file
from transforms.testing.runner import CaseResult, OutputCheck, run_case

__all__ = ["PipelineCaseFile", "PipelineCaseItem", "config_dir_of"]

_COMPILED = pytest.StashKey[dict[Path, Mapping[str, Pipeline]]]()
_CHECKS = pytest.StashKey[dict[Path, Mapping[str, OutputCheck]]]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def config_dir_of(path: Path) -> Path | None:
    """The configuration directory of a case file: nearest parent with routes.yaml."""
    for parent in path.parents:
        if (parent / "routes.yaml").is_file():
            return parent
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and CASE_DIR in file_path.parts[:-1]:
        collector: PipelineCaseFile = PipelineCaseFile.from_parent(parent, path=file_path)
        return collector
    return None


class PipelineCaseFile(pytest.File):
    """A YAML case file: one item per case."""

    def collect(self) -> Iterator[PipelineCaseItem]:
        try:
            cases = load_case_file(self.path)
        except CaseFileError as exc:
            raise self.CollectError(str(exc)) from exc
        for case in cases.cases:
            yield PipelineCaseItem.from_parent(self, name=case.name, defaults=cases)

    def _config_dir(self) -> Path:
        config_dir = config_dir_of(self.path)
        if config_dir is None:
            raise self.CollectError(f"{self.path}: no routes.yaml in any parent directory")
        return config_dir

    def checks(self) -> Mapping[str, OutputCheck]:
        config_dir = self._config_dir()
        cache = self.config.stash.setdefault(_CHECKS, {})
        if config_dir not in cache:
            cache[config_dir] = self.ihook.pytest_omnihub_output_checks(config_dir=config_dir) or {}
        return cache[config_dir]

    def compiled(self) -> Mapping[str, Pipeline]:
        config_dir = self._config_dir()
        cache = self.config.stash.setdefault(_COMPILED, {})
        if config_dir not in cache:
            found = self.ihook.pytest_omnihub_pipelines(config_dir=config_dir)
            if found is None:
                raise self.CollectError(
                    "no pytest_omnihub_pipelines hook returned pipelines; implement it in "
                    "conftest.py (see transforms.testing.pytest_plugin)"
                )
            cache[config_dir] = found
        return cache[config_dir]


class PipelineCaseFailed(Exception):
    """A case did not pass; carries its result."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.message)
        self.result = result


class PipelineCaseItem(pytest.Item):
    """One YAML case."""

    def __init__(self, *, defaults: CaseFile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.defaults = defaults

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, PipelineCaseFile)
        case = next(c for c in self.defaults.cases if c.name == self.name)
        result = run_case(
            case,
            self.defaults,
            parent.compiled(),
            self.path.parent,
            self.path.name,
            parent.checks(),
        )
        if not result.passed:
            raise PipelineCaseFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, PipelineCaseFailed):
            result = excinfo.value.result
            return f"pipeline {result.pipeline!r}, case {result.name!r}:\n{result.message}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"pipeline case: {self.name}"
