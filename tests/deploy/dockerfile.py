"""A small Dockerfile reader for the image checks: instructions with continuation lines joined."""

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    stage: int  # index of the FROM this instruction belongs to

    def words(self) -> list[str]:
        """Arguments as a list: the JSON (exec) form when there is one, else shell words."""
        text = self.args.strip()
        if text.startswith("["):
            value = json.loads(text)
            assert isinstance(value, list)
            return [str(v) for v in value]
        return shlex.split(text)


def instructions(path: Path) -> list[Instruction]:
    logical: list[str] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, f"{path}: the last instruction ends with a continuation"
    found: list[Instruction] = []
    stage = -1
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        found.append(Instruction(keyword, args.strip(), stage))
    return found


def copy_sources(instruction: Instruction) -> list[str]:
    """The build-context paths a COPY takes (none for COPY --from=<stage>)."""
    words = instruction.words()
    flags = [w for w in words if w.startswith("--")]
    if any(f.startswith("--from") for f in flags):
        return []
    paths = [w for w in words if not w.startswith("--")]
    return paths[:-1]


def env_names(instruction: Instruction) -> list[str]:
    """Names set by an ENV instruction (KEY=value form)."""
    return [m.group(1) for m in re.finditer(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=", instruction.args)]
