"""Safe YAML loading that remembers the line of every key and item.

Scenario errors must name the line they come from, so loading keeps a map from
field paths (``("events", 3, "node")``) to 1-based line numbers next to the
plain data.  Only ``yaml.SafeLoader`` is used: no Python objects are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from simulator.errors import ScenarioError

Path_ = tuple[str | int, ...]


@dataclass
class LineMap:
    """Field path -> line number in one YAML file."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """Line of ``path``, or of its longest prefix that has a line."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: Path_, message: str) -> ScenarioError:
        """A :class:`ScenarioError` located at ``path`` in this file."""
        from simulator.errors import format_field_path

        return ScenarioError(message, self.file, self.line_of(path), format_field_path(path))


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = path + (key,)
            _walk(value_node, child, lines)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines)


def _reject_duplicate_keys(node: yaml.Node, file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise ScenarioError(f"duplicate key '{key}' (first at line {seen[key]})", file, key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
            _reject_duplicate_keys(value_node, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, file)


def load_yaml_text(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML ``text`` safely; return the data and its :class:`LineMap`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise ScenarioError(f"malformed YAML: {problem}", file, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", file) from None
    lines: dict[Path_, int] = {}
    if root is not None:
        _reject_duplicate_keys(root, file)
        _walk(root, (), lines)
    return data, LineMap(file, lines)


def load_yaml_file(path: str | Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; a missing or unreadable file is a ScenarioError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", str(path)) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a YAML file", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", str(path)) from None
    return load_yaml_text(text, str(path))
