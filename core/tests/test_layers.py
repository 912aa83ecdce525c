"""Every module imports only from its own package or from a lower layer (docs/decisions.md).

The imports are read with ``ast``, not executed: ``import x``, ``from x import y``,
relative imports, imports nested in functions at any depth, and
``import_module("x")`` with a literal name. Tests, migrations and management
commands may import anything and are not read. Settings strings such as
"portal.x.Y" and model references such as "consultations.Consultation" are not
imports.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Lowest first. A module may import its own package and the layers before its own;
# packages on the same layer never import each other, and nothing imports portal.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("activity",),
    ("accounts", "recommendations"),
    ("consultations",),
    ("positions", "exports", "digests"),
    ("portal",),
)
LAYER = {package: number for number, packages in enumerate(LAYERS) for package in packages}

SKIPPED_FOLDERS = {"tests", "migrations", "management", "__pycache__"}
IMPORT_FUNCTIONS = {"import_module", "__import__", "import_string"}


def _module_name(path: str) -> tuple[str, bool]:
    """``accounts/services.py`` -> ("accounts.services", False); a package's __init__ -> True."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _absolute(module: str | None, level: int, name: str, is_package: bool) -> str | None:
    if not level:
        return module
    package = name.split(".") if is_package else name.split(".")[:-1]
    if level - 1 >= len(package):
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imported_modules(source: str, path: str) -> list[tuple[int, str]]:
    """Every module ``source`` (the file at ``path``) imports, with its line."""
    name, is_package = _module_name(path)
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node.module, node.level, name, is_package)
            if target:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = getattr(function, "id", None) or getattr(function, "attr", None)
            argument = node.args[0]
            if (
                called in IMPORT_FUNCTIONS
                and isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and not argument.value.startswith(".")
            ):
                found.append((node.lineno, argument.value))
    return found


def violations(source: str, path: str) -> list[str]:
    """The imports of one module that go against the layers, as readable lines."""
    own = Path(path).parts[0]
    if own not in LAYER:
        return [f"{path} is in no layer: add its package to LAYERS"]
    messages = []
    for line, module in sorted(imported_modules(source, path)):
        package = module.split(".")[0]
        if package == own or package not in LAYER:
            continue
        if LAYER[package] >= LAYER[own]:
            messages.append(
                f"{path}:{line} imports {module} (layer {LAYER[package]} ≥ layer {LAYER[own]})"
            )
    return messages


def project_modules() -> list[str]:
    """The layered packages' modules, as paths from the project root."""
    paths = []
    for package in LAYER:
        for file in sorted((ROOT / package).rglob("*.py")):
            relative = file.relative_to(ROOT)
            if not SKIPPED_FOLDERS.intersection(relative.parts[1:-1]):
                paths.append(relative.as_posix())
    return paths


def test_every_module_imports_only_from_lower_layers():
    found = [
        message
        for path in project_modules()
        for message in violations((ROOT / path).read_text(), path)
    ]
    assert not found, "Imports against the layers:\n" + "\n".join(found)


def test_every_app_of_the_project_has_a_layer():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()
    }
    assert ours <= set(LAYER), f"Apps in no layer: {sorted(ours - set(LAYER))}"


def test_the_walk_reads_every_layer():
    read = {Path(path).parts[0] for path in project_modules()}
    assert read == set(LAYER)
    assert "accounts/services/organisations.py" in project_modules()
    assert not any("/tests/" in path or "/migrations/" in path for path in project_modules())


def test_the_checker_catches_imports_against_the_layers():
    source = """
import consultations.models
from core.markdown import render_markdown
from activity.services import activity_record
from . import rules
from .models import User


def verify():
    if True:
        from recommendations.models import Recommendation
        from portal.celery import app
    return importlib.import_module("digests.services")
"""
    assert violations(source, "accounts/services.py") == [
        "accounts/services.py:2 imports consultations.models (layer 3 ≥ layer 2)",
        "accounts/services.py:11 imports recommendations.models (layer 2 ≥ layer 2)",
        "accounts/services.py:12 imports portal.celery (layer 5 ≥ layer 2)",
        "accounts/services.py:13 imports digests.services (layer 4 ≥ layer 2)",
    ]


def test_relative_imports_resolve_to_their_package():
    assert imported_modules("from . import api", "portal/__init__.py") == [(1, "portal")]
    assert imported_modules("from ..models import X", "accounts/templatetags/tags.py") == [
        (1, "accounts.models")
    ]
    assert violations("from ..models import X", "accounts/templatetags/tags.py") == []
