"""The files of a run as text: discovery names up to 100,000 of them, and a warm run needs
their text only (lintgate.engine.run); a pathlib.Path costs about as much as a stat."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Sequence, overload


class FileList(Sequence[Path]):
    """The files to check: a sequence of Paths kept as text (`texts`, absolute paths), a Path
    made only when one is asked for. A walk of a large tree names 100,000 files; a warm run
    needs their text only (lintgate.engine.run), and a Path costs as much as a stat."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.texts: list[str] = list(texts)
        # {path: identity of its contents} for files git's index vouches for (gitindex)
        self.identities: dict[str, str] = {}

    def append(self, path: str | Path) -> None:
        """Add a file (an absolute path)."""
        self.texts.append(str(path))

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> FileList: ...

    def __getitem__(self, index: int | slice) -> Path | FileList:
        if isinstance(index, slice):
            return FileList(self.texts[index])
        return Path(self.texts[index])

    def __iter__(self) -> Iterator[Path]:
        return (Path(t) for t in self.texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FileList):
            return self.texts == other.texts
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"FileList({self.texts!r})"


def texts_of(files: Sequence[Path] | Sequence[str]) -> list[str]:
    """The files as text: a FileList's own, else each made a str."""
    if isinstance(files, FileList):
        return files.texts
    return [str(f) for f in files]
