"""Issue 11 on the command line: never crash, never hang, never leak. Bad input and unexpected
failures end in one line on stderr and exit status 2; output that reaches a terminal cannot
forge lines or run escape sequences."""

from __future__ import annotations

import json
import os
import time

import pytest
from helpers import copy_repo, lintgate, normalize_stderr

from lintgate import cli

FINDINGS = (
    "app.py:1:1: {w} imports are incorrectly sorted and/or formatted (isort)\n"
    "app.py:2:1: {w} would reformat line 2 (black)\n"
)
SUMMARY = "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"


# --- 1. one fatal-error handler -------------------------------------------------------------


def _crash(*args, **kwargs):
    raise RuntimeError("injected\nfailure \x1b[2J")


def test_an_unexpected_exception_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    repo = copy_repo("both", tmp_path / "repo", git=False)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("LINTGATE_DEBUG", raising=False)
    monkeypatch.setattr("lintgate.discovery.discover", _crash)
    assert cli.main(["--no-config", "app.py"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "lintgate: internal error: RuntimeError: injected\\nfailure \\033[2J; please report it\n"
    )


def test_lintgate_debug_adds_the_traceback(tmp_path, monkeypatch, capsys):
    repo = copy_repo("both", tmp_path / "repo", git=False)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("LINTGATE_DEBUG", "1")
    monkeypatch.setattr("lintgate.discovery.discover", _crash)
    assert cli.main(["--no-config", "app.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert "in _crash\n" in err
    assert err.endswith(
        "lintgate: internal error: RuntimeError: injected\\nfailure \\033[2J; please report it\n"
    )


def test_a_long_internal_error_message_is_cut(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LINTGATE_DEBUG", raising=False)

    def crash(*args, **kwargs):
        raise ValueError("x" * 10_000)

    monkeypatch.setattr("lintgate.discovery.discover", crash)
    assert cli.main(["--no-config", "."]) == 2
    err = capsys.readouterr().err
    assert err == f"lintgate: internal error: ValueError: {'x' * 497}...; please report it\n"


# --- 11. usage errors: one line -------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["-j", "abc"], "argument -j/--concurrency: invalid int value: 'abc'"),
        (["--deadline", "--fix"], "argument --deadline: expected one argument"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_usage_errors_are_one_line(tmp_path, args, message):
    proc = lintgate(tmp_path, "--no-config", *args)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: error: {message} (see lintgate --help)\n"


# --- 2. an output that cannot encode the signs ----------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "cp1252"},
        {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
    ],
)
def test_signs_fall_back_to_words_when_stdout_cannot_encode_them(tmp_path, env):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, env=env)
    assert proc.returncode == 1
    assert proc.stdout == FINDINGS.format(w="warning:")
    assert normalize_stderr(proc.stderr) == SUMMARY


def test_signs_are_kept_for_utf8(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, env={"PYTHONIOENCODING": "utf-8"})
    assert proc.stdout == FINDINGS.format(w="\u26a0\ufe0f")


def test_error_sign_falls_back_and_unencodable_text_is_escaped(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    config = {
        "Severity": {"black": "error"},
        "MessageOverride": {"black": "d\u00e9j\u00e0 \u2192 {message}"},
    }
    (repo / "lintgate.json").write_text(json.dumps(config))
    proc = lintgate(repo, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1
    assert proc.stdout == (
        "app.py:1:1: warning: imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1: error: d\\xe9j\\xe0 \\u2192 would reformat line 2 (black)\n"
    )


def test_an_unencodable_path_on_stderr_is_escaped(tmp_path):
    proc = lintgate(tmp_path, "--no-config", "n\u00e9ant.py", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 2
    assert "n\\xe9ant.py" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- 9. control characters from outside -----------------------------------------------------

HOSTILE = "\n::error ::x\x1b[2J"


@pytest.mark.parametrize(
    "fmt, line",
    [
        ("text", "app.py:2:1: \u26a0\ufe0f \\n::error ::x\\033[2J (black)\n"),
        ("gometalinter", "app.py:2:1:warning: \\n::error ::x\\033[2J (black)\n"),
        ("{path}|{message}", "app.py|\\n::error ::x\\033[2J\n"),
        ("{{.Path}}|{{.Message}}", "app.py|\\n::error ::x\\033[2J\n"),
        (
            "github",
            "::warning file=app.py,line=2,col=1,title=black (app.py%3A2)::%0A::error ::x\\033[2J\n",
        ),
    ],
)
def test_control_characters_in_messages_are_escaped(tmp_path, fmt, line):
    repo = copy_repo("both", tmp_path / "repo")
    config = {"MessageOverride": {"black": HOSTILE}, "Format": fmt, "Disable": ["isort"]}
    (repo / "lintgate.json").write_text(json.dumps(config))
    proc = lintgate(repo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == line


# --- 3. durations out of range ----------------------------------------------------------------

LONGEST = "longer than 2562047h47m16.854775807s"


@pytest.mark.parametrize(
    "value, shown",
    [
        ("3000000h", "'3000000h'"),
        ("2562048h", "'2562048h'"),
        ("9" * 400 + "s", repr("9" * 37 + "...")),
        ("0." + "9" * 5000 + "h" + "1" * 30 + "ns", repr("0." + "9" * 35 + "...")),
    ],
)
def test_a_deadline_too_long_is_one_usage_line(tmp_path, value, shown):
    proc = lintgate(tmp_path, "--no-config", "--deadline", value)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: --deadline: invalid duration {shown}: {LONGEST}\n"
    (tmp_path / "lintgate.json").write_text(json.dumps({"Deadline": value}))
    proc = lintgate(tmp_path)
    assert (
        proc.stderr == f"lintgate: lintgate.json: Deadline: invalid duration {shown}: {LONGEST}\n"
    )
    assert proc.returncode == 2


def test_the_longest_deadline_go_allows_is_accepted(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--deadline", "2562047h47m16s")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == FINDINGS.format(w="\u26a0\ufe0f")


def test_parse_duration_is_exact_to_the_nanosecond():
    from lintgate.config.duration import parse_duration

    assert parse_duration("1h30m") == 5400.0
    assert parse_duration("1.5h") == 5400.0
    assert parse_duration("300ms") == 0.3
    assert parse_duration("2562047h47m16.854775807s") == (2**63 - 1) / 1e9
    with pytest.raises(ValueError, match="invalid duration '1d'"):
        parse_duration("1d")
    assert parse_duration("1d12h", days=True) == 1.5 * 86400


def test_cache_age_uses_the_same_parser():
    from lintgate.cache.store import parse_age

    with pytest.raises(ValueError, match=r"^invalid age '9999999999999d': too long, e.g. 30d$"):
        parse_age("9999999999999d")
    with pytest.raises(ValueError, match=r"^invalid age '99999999999999999999999999999999999999.*"):
        parse_age("9" * 400 + "d")


# --- 5. config values that would cost minutes or gigabytes -----------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '{"Concurrency": ' + "9" * 5000 + "}",
            "lintgate.json: Concurrency: expected a whole number from 0 to 1000000 (0: one per CPU)",
        ),
        (
            '{"Concurrency": 1000000000000}',
            "lintgate.json: Concurrency: expected a whole number from 0 to 1000000 (0: one per CPU)",
        ),
        (
            '{"Format": "{line:>999999999999}"}',
            "lintgate.json: Format: bad format template '{line:>999999999999}': "
            "width or precision over 1000 for {line}",
        ),
        (
            '{"Format": "{message:.99999}"}',
            "lintgate.json: Format: bad format template '{message:.99999}': "
            "width or precision over 1000 for {message}",
        ),
        (
            '{"Format": "{line:{col}{col}}"}',
            "lintgate.json: Format: bad format template '{line:{col}{col}}': a replacement "
            "field inside the format spec of {line} is not supported",
        ),
        (
            json.dumps({"MessageOverride": {"black": "{{if .Col}}" * 5000 + "{{end}}" * 5000}}),
            "lintgate.json: MessageOverride: black: bad template '"
            + "{{if .Col}}" * 5
            + "{{...': longer than 4096 characters",
        ),
        (
            json.dumps({"MessageOverride": {"isort": "{{if .Col}}" * 60 + "{{end}}" * 60}}),
            "lintgate.json: MessageOverride: isort: bad template '"
            + "{{if .Col}}" * 5
            + "{{...': more than 50 nested {{if}}s",
        ),
        (
            json.dumps({"Format": "{line:>" + "9" * 3000 + "}"}),
            "lintgate.json: Format: bad format template '{line:>"
            + "9" * 50
            + "...': width or precision over 1000 for {line}",
        ),
        (
            json.dumps({"Format": "{line:>" + "9" * 5000 + "}"}),
            "lintgate.json: Format: bad template '{line:>"
            + "9" * 50
            + "...': longer than 4096 characters",
        ),
    ],
)
def test_costly_config_values_are_one_config_error(tmp_path, text, message):
    (tmp_path / "lintgate.json").write_text(text)
    proc = lintgate(tmp_path, timeout=20)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: {message}\n"


def test_a_huge_concurrency_flag_is_one_usage_line(tmp_path):
    proc = lintgate(tmp_path, "--no-config", "-j", "1000001")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate: --concurrency: expected a whole number from 0 to 1000000 (0: one per CPU)\n"
    )


# --- 6, 7. inputs that never end, FIFOs -------------------------------------------------------


@pytest.mark.parametrize("flag", ["--config", "--new-from-patch"])
@pytest.mark.parametrize(
    "make, kind",
    [
        (lambda path: "/dev/zero", "a character device"),
        (lambda path: os.mkfifo(path) or str(path), "a FIFO"),
        (lambda path: path.mkdir() or str(path), "a directory"),
    ],
)
def test_an_input_that_is_not_a_regular_file_is_refused_at_once(tmp_path, flag, make, kind):
    repo = copy_repo("both", tmp_path / "repo")
    name = make(tmp_path / "input")
    proc = lintgate(repo, flag, name, timeout=20)
    assert (proc.returncode, proc.stdout) == (2, "")
    shown = (
        f"{name}: cannot read"
        if flag == "--config"
        else f"--new-from-patch: cannot read patch {name}"
    )
    assert proc.stderr == f"lintgate: {shown}: is {kind}, not a regular file\n"


def test_inputs_over_their_size_bound_are_refused(tmp_path):
    from lintgate.config.inputs import PATCH_MAX_BYTES

    repo = copy_repo("both", tmp_path / "repo")
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate((1 << 20) + 1)  # sparse: costs no disk
    proc = lintgate(repo, "--config", str(big), timeout=20)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: {big}: cannot read: larger than 1 MiB (1048577 bytes)\n"
    with open(big, "wb") as f:
        f.truncate(PATCH_MAX_BYTES + 1)
    proc = lintgate(repo, "--new-from-patch", str(big), timeout=20)
    assert proc.stderr == (
        f"lintgate: --new-from-patch: cannot read patch {big}: "
        f"larger than 256 MiB ({PATCH_MAX_BYTES + 1} bytes)\n"
    )
    assert proc.returncode == 2


def test_a_report_fifo_that_nobody_reads_fails_at_once(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    os.mkfifo(tmp_path / "fifo")
    proc = lintgate(repo, "--output", f"json={tmp_path / 'fifo'}", timeout=20)
    assert proc.returncode == 3  # the findings on stdout, and a report not written
    assert proc.stdout == FINDINGS.format(w="\u26a0\ufe0f")
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: {tmp_path / 'fifo'}: cannot write report: no process reads this FIFO\n"
        + SUMMARY
    )


def test_a_report_fifo_with_a_reader_gets_the_report(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, there before lintgate
    try:
        proc = lintgate(repo, "--output", f"gometalinter={fifo}", timeout=20)
        out = os.read(reader, 65536)  # the report is far below a pipe's buffer
    finally:
        os.close(reader)
    assert proc.returncode == 1, proc.stderr
    assert out.decode() == (
        "app.py:1:1:warning: imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1:warning: would reformat line 2 (black)\n"
    )


# --- 8. a regular expression that backtracks without end ------------------------------------


@pytest.mark.parametrize("key", ["Exclude", "Include"])
def test_a_catastrophic_filter_expression_is_stopped_in_seconds(tmp_path, key, monkeypatch):
    from lintgate import filters
    from lintgate.diagnostic import Diagnostic

    monkeypatch.setattr(filters, "MATCH_SECONDS", 0.5)
    found = [Diagnostic("a" * 60 + ".py", 1, 1, "black", "a" * 60 + "!")] * 3
    options = filters.FilterOptions(**{key.lower(): ("(a|aa)+$",)})
    start = time.monotonic()
    with pytest.raises(ValueError) as raised:
        filters.apply(found, options)
    assert time.monotonic() - start < 2
    assert str(raised.value) == (
        f"{key}: regular expression '(a|aa)+$' took more than 0.5s to match the findings "
        "(nested quantifiers such as (a+)+ backtrack without end: rewrite it)"
    )


def test_a_catastrophic_exclude_ends_the_run_with_one_line(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    name = "a" * 40
    (repo / f"{name}.py").write_text("import sys, os\n")
    (repo / "lintgate.json").write_text(json.dumps({"Exclude": [r"(a|aa)+\.$"]}))
    start = time.monotonic()
    proc = lintgate(repo, timeout=60)
    assert time.monotonic() - start < 30
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate: Exclude: regular expression '(a|aa)+\\\\.$' took more than 5s to match the "
        "findings (nested quantifiers such as (a+)+ backtrack without end: rewrite it)\n"
    )


def test_filter_expressions_keep_python_syntax():
    from lintgate import filters
    from lintgate.diagnostic import Diagnostic

    found = [
        Diagnostic("pkg/a.py", 1, 1, "black", "would reformat"),
        Diagnostic("b.py", 2, 0, "isort", "x"),
    ]
    kept = filters.include(found, [r"(?P<dir>pkg)/(?=a)a\.py:\d+:(?P=dir)?"])
    assert kept == found[:1]


# --- 4. path arguments the system cannot look at ----------------------------------------------


def test_a_path_longer_than_name_max_is_one_line_and_the_others_are_checked(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    long = "b" * 300 + ".py"
    proc = lintgate(repo, long, "app.py")
    assert proc.returncode == 3
    assert proc.stdout == FINDINGS.format(w="\u26a0\ufe0f")
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: {'b' * 38}...{'b' * 35}.py: file name too long\n" + SUMMARY
    )


def test_a_path_longer_than_path_max_alone_is_one_line(tmp_path):
    long = "d/" * 3000
    proc = lintgate(tmp_path, "--no-config", long)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: {'d/' * 19}...{'d/' * 19}: file name too long\n"


def test_a_path_with_a_nul_byte_is_refused_by_argv_itself(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--no-config", "a\x00b.py"]) == 2
    assert capsys.readouterr().err == "lintgate: a\\000b.py: embedded null byte\n"


# --- 10. a cache export that cannot happen is said, bit 2 -------------------------------------


def test_an_export_with_the_cache_inside_the_tree_is_an_error(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    dest = tmp_path / "export"
    cache = repo / ".cache"
    proc = lintgate(
        repo, "--export-cache", f"type=local,dest={dest}", env={"LINTGATE_CACHE_DIR": str(cache)}
    )
    assert proc.returncode == 3
    assert proc.stdout == FINDINGS.format(w="\u26a0\ufe0f")
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: warning: cache directory {cache} is inside the tree being checked ({repo}); "
        "running without the cache (use --cache-dir elsewhere)\n"
        "lintgate: --export-cache: no cache to export (see the warning above)\n" + SUMMARY
    )
    assert not dest.exists()


def test_fix_and_diff_export_and_import_the_cache(tmp_path):
    # --fix and --diff check through the same engine and cache as a plain run (issue 13)
    repo = copy_repo("both", tmp_path / "repo")
    dest = tmp_path / "export"
    proc = lintgate(repo, "--diff", "--export-cache", f"type=local,dest={dest}")
    assert proc.returncode == 1, proc.stderr  # a diff
    assert (dest / "index.json").is_file()
    assert normalize_stderr(proc.stderr) == (
        "lintgate: would fix app.py\n"
        "lintgate: 1 file(s) would be fixed\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n"
    )
    # a fresh cache importing that export answers the check of the unchanged file
    proc = lintgate(repo, "--import-cache", f"type=local,src={dest}")
    assert (proc.returncode, proc.stdout) == (1, FINDINGS.format(w="\u26a0\ufe0f"))
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 1 file checked, 2 findings, 1 from cache, N.NNs\n"
    )
    proc = lintgate(repo, "--fix", "--import-cache", f"type=local,src={dest}")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert normalize_stderr(proc.stderr) == (
        "lintgate: fixed app.py\n"
        "lintgate: 1 file(s) fixed\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert (repo / "app.py").read_text() == "import os\nimport sys\n\nprint(os.sep, sys.argv)\n"


def test_fix_answers_the_files_it_leaves_from_the_cache(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "clean.py").write_text("import os\n\nprint(os.sep)\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert lintgate(repo, env=env).returncode == 1  # fills the cache
    proc = lintgate(repo, "--fix", env=env)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert normalize_stderr(proc.stderr) == (
        "lintgate: fixed app.py\n"
        "lintgate: 1 file(s) fixed\n"
        "lintgate: 2 files checked, 0 findings, 1 from cache, N.NNs\n"
    )


def test_cache_usage_errors_are_one_line_too(tmp_path):
    proc = lintgate(tmp_path, "cache", "prune", "--older-than")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate cache prune: error: argument --older-than: expected one argument "
        "(see lintgate cache prune --help)\n"
    )


def test_junit_stays_valid_xml_with_control_characters():
    import xml.dom.minidom

    from lintgate.diagnostic import Diagnostic
    from lintgate.report import ReportContext, get_renderer

    found = [Diagnostic("a\x01.py", 1, 1, "black", "x" + HOSTILE + "\x00")]
    out = get_renderer("junit")(found, ReportContext(files=("a\x01.py",), linters=("black",)))
    failure = xml.dom.minidom.parseString(out.encode()).getElementsByTagName("failure")[0]
    assert failure.getAttribute("message") == "x\n::error ::x\\033[2J\\000"
    assert failure.firstChild.data == '"a\\001.py":1:1:warning: x\n::error ::x\\033[2J\\000 (black)'


def test_escape_controls():
    from lintgate.report.terminal import escape_controls

    assert escape_controls("plain \\ text é") == "plain \\ text é"
    assert escape_controls("a\nb\tc\x1b[2J\x7f\x9b\x00") == "a\\nb\\tc\\033[2J\\177\\233\\000"
    assert escape_controls("a\nb\x1b", keep="\n") == "a\nb\\033"


@pytest.mark.parametrize("fmt", ["json", "sarif", "checkstyle", "junit"])
def test_machine_formats_stay_valid_on_an_ascii_stdout(tmp_path, fmt):
    repo = copy_repo("both", tmp_path / "repo")
    override = {"MessageOverride": {"black": "d\u00e9j\u00e0 \U0001f600 {message}"}}
    (repo / "lintgate.json").write_text(json.dumps(override))
    plain = lintgate(repo, "--format", fmt)
    ascii_ = lintgate(repo, "--format", fmt, env={"PYTHONIOENCODING": "ascii"})
    assert (plain.returncode, ascii_.returncode) == (1, 1)
    assert ascii_.stdout.isascii()
    if fmt in ("json", "sarif"):
        assert json.loads(ascii_.stdout) == json.loads(plain.stdout)
    else:
        import xml.dom.minidom

        assert (
            xml.dom.minidom.parseString(ascii_.stdout.encode()).toxml()
            == xml.dom.minidom.parseString(plain.stdout.encode()).toxml()
        )


def test_print_config_stays_valid_json_on_an_ascii_stdout(tmp_path):
    (tmp_path / "lintgate.json").write_text(json.dumps({"Skip": ["d\u00e9j\u00e0"]}))
    proc = lintgate(tmp_path, "--print-config", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["Skip"] == ["d\u00e9j\u00e0"]
