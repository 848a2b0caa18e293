"""The package reads as the pipeline: each subpackage imports only the steps before it, and no
two modules import each other, even by a detour."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "texsheet"
# The steps in order; a module may import its own step's modules and any earlier step's.
LAYERS = ["errors", "text", "model", "read", "layout", "tex", "build", "api", "cli", "__main__"]
# A class does one job, and one job rarely takes more lines than this; one that does says why in
# its docstring, in words that contain LONG_BECAUSE (a reader of one grammar, say).
MOST_CLASS_LINES = 260
LONG_BECAUSE = "long because"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Every texsheet module and the texsheet modules it imports (anywhere in it)."""
    found: dict[str, set[str]] = {}
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    for path in PACKAGE.rglob("*.py"):
        name, targets = module_name(path), set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("texsheet"):
                assert node.level == 0, f"{name}: relative import"
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names if alias.name.startswith("texsheet")}
        found[name] = targets - {"texsheet"} if name != "texsheet" else targets
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else -1


def test_each_step_imports_only_the_steps_before_it():
    wrong = [f"{a} imports {b}" for a, targets in imports().items() if a != "texsheet"
             for b in targets if layer(b) > layer(a)]
    assert not wrong, wrong


def test_no_module_imports_itself_through_others():
    graph = imports()
    graph.pop("texsheet", None)

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for target in graph.get(node, ()):
                if target == start:
                    return path + [start]
                if target not in seen:
                    seen.add(target)
                    stack.append((target, path + [target]))
        return None

    cycles = [cycle for module in graph if (cycle := cycle_from(module))]
    assert not cycles, cycles[0]


def test_the_layers_are_the_packages_folders():
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(LAYERS[1:7])


def test_a_long_class_says_why():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MOST_CLASS_LINES:
                if LONG_BECAUSE not in (ast.get_docstring(node) or "").lower():
                    long.append(f"{module_name(path)}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not long, long
