"""The name side of the `imports` walker: its state, reads and bindings of names, and the
resolution after the walk of the reads that may happen later (functions, annotations)."""

from __future__ import annotations

from lintgate.linters._imports_model import _OTHER, CLASS, FUNCTION, MODULE, Binding, Scope


class NameWalk:
    """The walker's state and its name handling (the base of the walker's classes)."""

    def __init__(self, is_stub: bool) -> None:
        self.stub = is_stub
        self.bindings: list[Binding] = []
        self.deferred: list[tuple[Scope, str]] = []  # reads resolved after the walk
        self.scopes: list[Scope] = []
        self.comp_names: list[set[str]] = []  # names bound by the comprehensions being walked
        self.loop_reads: list[set[str]] = []  # names read in the loops being walked
        self.module_binds: list[str] = []  # every module-level name bound, in order
        self.blocks: list[int] = []
        self.valid_futures: set[int] = set()
        self.late_futures: list[tuple[int, int]] = []
        self.all_names: set[str] = set()
        self.attrs: set[str] = set()  # every attribute name read (`x.name`)
        # True inside a typing construct outside annotations (`Union[int, "D"]`, the value of
        # `X: TypeAlias = ...`): names are read now, and strings are string annotations.
        self.typing = False
        self.postponed = is_stub  # or `from __future__ import annotations`: see `module`
        self.calls = 0  # calls walked so far: code that may read an import

    # -- names --------------------------------------------------------------------------
    def new_scope(self, kind: str, parent: Scope | None) -> Scope:
        s = Scope(kind, parent)
        self.scopes.append(s)
        return s

    def read(self, name: str, scope: Scope) -> None:
        """A read of `name` executed now in `scope`."""
        for names in self.comp_names:
            if name in names:
                return
        if self.loop_reads:
            self.loop_reads[-1].add(name)
        if self.stub:  # a stub may refer to anything, anywhere (forward references)
            self.deferred.append((scope, name))
            return
        while True:
            bs = scope.state.get(name)
            if bs is not None:
                for b in bs:
                    b.used = b.used or "read"
                return
            if scope.kind == FUNCTION:
                if name == "locals":
                    scope.uses_locals = True
                self.deferred.append((scope, name))
                return
            if scope.kind == MODULE or name in scope.bound:
                return
            if scope.parent is None:  # pragma: no cover - a class body is in another scope
                return
            scope = scope.parent  # a class body reads the enclosing scope as it is now

    def defer(self, name: str, scope: Scope) -> None:
        """A read of `name` in `scope` that may happen later (annotation, string annotation)."""
        self.deferred.append((scope, name))

    def bind(self, name: str, scope: Scope) -> None:
        """`name` bound by something other than an import (assignment, def, target...)."""
        if scope.declared.get(name):
            if scope.declared[name] == "global":
                self.read(name, self.scopes[0])  # rebinding a module import from inside
            return
        scope.bound.add(name)
        if scope.kind == MODULE:
            self.module_binds.append(name)
        if name in scope.state:
            scope.state[name] = _OTHER

    def fallbacks(self, imported: list[Binding], other_branches: list[set[str]]) -> None:
        """Module-level imports whose name another branch also defines (`try: from x import A`
        / `except ImportError: A = None`, or `import B as A`): the module defines the name either
        way, for its importers. `other_branches`: the names each other branch bound."""
        for b in imported:
            if b.scope_kind == MODULE and any(b.name in names for names in other_branches):
                b.keep = b.keep or "fallback"

    def resolve(self) -> None:
        """Mark the imports that the deferred reads reach (every import of the name in the first
        enclosing scope that binds it: the function may run at any time)."""
        module = self.scopes[0]
        for start, name in self.deferred:
            scope: Scope | None = start
            while scope is not None:
                if scope is not start and scope.kind == CLASS:
                    scope = scope.parent
                    continue
                decl = scope.declared.get(name)
                if decl == "global":
                    scope = module
                    decl = None
                if decl is None:
                    bs = scope.bindings.get(name)
                    if bs:
                        for b in bs:
                            if b.shadowed_by is None:
                                b.used = b.used or "read"
                        break
                    if name in scope.bound:
                        break
                scope = scope.parent
        for name in self.all_names:
            for b in module.bindings.get(name, ()):
                if b.shadowed_by is None:
                    b.used = b.used or "__all__"
        for scope in self.scopes:
            if scope.kind == CLASS:
                # A class-level import is a class attribute, read as `self.name` or `C.name`.
                for name, bs in scope.bindings.items():
                    if name in self.attrs:
                        for b in bs:
                            if b.shadowed_by is None:
                                b.used = b.used or "attribute"
            if scope.uses_locals:
                for bs in scope.bindings.values():
                    for b in bs:
                        if b.shadowed_by is None:
                            b.used = b.used or "locals()"

    def submodules(self) -> None:
        """`import a.b` loads `a.b` for every user of the package: it is used when another
        import of `a` in the same scope (`import a as x`, `import a.c`) is."""
        for scope in self.scopes:
            imps = [b for bs in scope.bindings.values() for b in bs if b.thing[0] == "import"]
            roots = {b.thing[1].split(".")[0] for b in imps if b.used}
            for b in imps:
                if not b.used and not b.thing[2] and "." in b.thing[1] and not b.shadowed_by:
                    if b.thing[1].split(".")[0] in roots:
                        b.used = "submodule"
