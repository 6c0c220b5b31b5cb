"""The `gradbook` command in Chinese (`--lang zh`, or a Chinese locale): the message catalog
is complete, and every command says in Chinese what it says in English, with the same numbers,
the same exit code and still one line per error."""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import one_line_error

from gradbook import cli
from gradbook.messages import ZH, language, say, set_language, speaking

GRADBOOK = Path(__file__).resolve().parents[1] / "gradbook"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


# -- the catalog -------------------------------------------------------------------------------


def _say_calls() -> list[tuple[str, int, ast.expr]]:
    """(file, line, first argument) of every ``say(...)`` call in gradbook/."""
    calls = []
    for path in sorted(GRADBOOK.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "say"):
                assert node.args, f"{path.name}:{node.lineno}: say() without a template"
                calls.append((path.name, node.lineno, node.args[0]))
    return calls


def test_every_catalog_entry_is_used_and_every_message_has_one():
    calls = _say_calls()
    assert len(calls) > 100
    computed = [f"{f}:{line}" for f, line, arg in calls
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str))]
    assert computed == [], "say() needs a literal template, so that it can be checked here"
    used = {arg.value for _, _, arg in calls if isinstance(arg, ast.Constant)}
    assert sorted(used - set(ZH)) == [], "templates without a Chinese entry in ZH"
    assert sorted(set(ZH) - used) == [], "ZH entries no say() call uses"


def _fields(template: str) -> set[tuple[str, str | None, str | None]]:
    return {(name, conversion, spec) for _, name, spec, conversion
            in string.Formatter().parse(template) if name is not None}


def _literal_text(template: str) -> str:
    return " ".join(text for text, *_ in string.Formatter().parse(template))


@pytest.mark.parametrize("english", sorted(ZH))
def test_chinese_templates_match_their_english_key(english):
    chinese = ZH[english]
    # the same fields, conversions and format specs: the same values, formatted the same way
    assert _fields(chinese) == _fields(english)
    assert CJK.search(chinese), chinese
    # the numbers written in the text itself (2*x, 1.8e308, x=1.3, UTF-8) are kept
    assert sorted(NUMBER.findall(_literal_text(chinese))) == \
        sorted(NUMBER.findall(_literal_text(english)))
    # prose punctuation next to Chinese is full-width: ，：；（）
    assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", chinese), chinese
    fields = {name: 1 for _, name, _, _ in string.Formatter().parse(english) if name}
    with speaking("zh"):
        assert say(english, **fields) == chinese.format(**fields)
    assert say(english, **fields) == english.format(**fields)


def test_the_language_belongs_to_the_context():
    assert language() == "en"
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {}

    def speak(lang: str) -> None:
        with speaking(lang):
            barrier.wait()  # both threads inside their block at once
            seen[lang] = [say("interrupted") for _ in range(100)]
            barrier.wait()

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("en", "zh")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert set(seen["en"]) == {"interrupted"} and set(seen["zh"]) == {"已中断"}
    assert language() == "en"
    with pytest.raises(ValueError, match="lang must be one of"):
        set_language("fr")


def test_main_sets_the_language_for_one_invocation_only(capsys):
    assert cli.main(["--lang", "zh", "gradcheck", "x**2", "x=1"]) == 0
    assert "梯度检验通过" in capsys.readouterr().out
    assert language() == "en"
    assert say("interrupted") == "interrupted"


# -- the command, in English and in Chinese --------------------------------------------------


def _env(lang_var: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    if lang_var is not None:
        env["LANG"] = lang_var
    env.update(extra)
    return env


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, "-m", "gradbook", *args], capture_output=True,
                          text=True, timeout=300, check=False, cwd=cwd,
                          env=_env() if env is None else env)


def _numbers(text: str) -> list[str]:
    return sorted(NUMBER.findall(text))


CASES = {
    "graph": ["graph", "tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432", "-o", "g.svg"],
    "gradcheck passes": ["gradcheck", "x**3 * sin(y)", "x=1.3", "y=0.4"],
    "gradcheck fails": ["gradcheck", "step(x)", "x=0", "--eps", "1e-3"],
    "explore": ["explore", "tanh(x*w)", "x=2", "w=-3", "-o", "e.html"],
    "demo": ["demo", "--steps", "3", "--out", "d"],
    "train": ["train", "--epochs", "2", "--samples", "60", "--no-progress", "--out", "o"],
    "malformed expression": ["graph", "x.__class__ + 1", "x=1"],
    "unclosed parenthesis": ["graph", "tanh(x", "x=1"],
    "a number runs into a name": ["gradcheck", "2x + 1", "x=1"],
    "bad assignment": ["graph", "x + 1", "x=abc"],
    "no gradient": ["gradcheck", "2", "x=1"],
    "unknown option value": ["graph", "x", "x=1", "--rankdir", "XY"],
    "bad number": ["gradcheck", "x", "x=1", "--eps", "0"],
    "unknown option": ["graph", "x", "x=1", "--rankdri", "TB"],
    "missing data file": ["train", "--data", "csv:missing.csv", "--out", "o"],
    "unknown data set": ["train", "--data", "imagenet", "--out", "o"],
    "unknown export suffix": ["export", "run", "-o", "model.txt"],
    "no model to predict with": ["predict", "run", "--data", "moons"],
}
#: The exit code of each case (0 when not listed); the gradcheck failure prints only its table.
EXIT_CODES = {"gradcheck fails": 1, **dict.fromkeys(
    ["malformed expression", "unclosed parenthesis", "a number runs into a name",
     "bad assignment", "no gradient", "unknown option value", "bad number", "unknown option",
     "missing data file", "unknown data set", "unknown export suffix",
     "no model to predict with"], 2)}


@pytest.mark.parametrize("case", CASES)
def test_chinese_says_what_english_says(case, tmp_path):
    args = CASES[case]
    en = run(*args, cwd=tmp_path / "en")
    zh = run("--lang", "zh", *args, cwd=tmp_path / "zh")
    assert en.returncode == zh.returncode == EXIT_CODES.get(case, 0), (en.stderr, zh.stderr)
    assert not CJK.search(en.stdout + en.stderr)
    for english, chinese in ((en.stdout, zh.stdout), (en.stderr, zh.stderr)):
        assert bool(english.strip()) == bool(chinese.strip())
        if english.strip():
            assert CJK.search(chinese), chinese
            assert _numbers(chinese) == _numbers(english), (english, chinese)
    if en.stderr:  # an error: one line, in Chinese after the command's name
        one_line_error(en, args[0])
        line = one_line_error(zh, args[0])
        assert CJK.search(line.split(": ", 1)[1]), line


def test_the_outputs_are_written_in_chinese(tmp_path):
    r = run("--lang", "zh", "demo", "--steps", "2", "--out", "d", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "d"
    assert "梯度检验通过" in (out / "gradcheck.txt").read_text(encoding="utf-8")
    assert "第一层的第" in (out / "neuron.svg").read_text(encoding="utf-8")
    assert "notebooks/zh/README.md" in r.stdout and "下一步：" in r.stdout


@pytest.mark.parametrize("args", [
    ["--lang", "zh", "gradcheck", "x**2", "x=3"],
    ["--lang=zh", "gradcheck", "x**2", "x=3"],
    ["--la", "zh", "gradcheck", "x**2", "x=3"],
    ["gradcheck", "--lang", "zh", "x**2", "x=3"],
    ["gradcheck", "x**2", "x=3", "--lang=zh"],
    ["--lang", "en", "gradcheck", "x**2", "x=3", "--lang", "zh"],
])
def test_lang_goes_before_or_after_the_command(args, tmp_path):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "梯度检验通过" in r.stdout and "d/dx" not in r.stdout


def test_an_expression_starting_with_a_minus_after_a_global_lang(tmp_path):
    r = run("--lang", "zh", "graph", "-x*2", "x=1.5", "-o", "g.svg", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["-x*2 = -3", "  d/dx = -2"]
    assert "计算图已写入 g.svg" in r.stdout


def test_an_unknown_language_is_one_line_and_exit_code_2(tmp_path):
    r = run("--lang", "fr", "graph", "x", "x=1", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["gradbook: argument --lang: invalid choice: 'fr' (choose "
                                     "from 'en', 'zh') (see gradbook --help)"]
    r = run("graph", "x", "x=1", "--lang", "de", cwd=tmp_path)
    assert r.returncode == 2 and "invalid choice: 'de'" in one_line_error(r, "graph")
    # in the locale's language
    r = run("--lang", "fr", "graph", "x", "x=1", cwd=tmp_path, env=_env("zh_CN.UTF-8"))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "'fr'" in r.stderr and "无效的取值" in r.stderr


def test_a_chinese_locale_speaks_chinese_unless_told_otherwise(tmp_path):
    args = ["gradcheck", "x**3 * sin(y)", "x=1.3", "y=0.4"]
    english = run(*args, cwd=tmp_path)
    chinese = run("--lang", "zh", *args, cwd=tmp_path)
    assert "gradcheck passed" in english.stdout and "梯度检验通过" in chinese.stdout
    assert run(*args, cwd=tmp_path, env=_env("zh_CN.UTF-8")).stdout == chinese.stdout
    assert run(*args, cwd=tmp_path, env=_env("zh_TW.UTF-8")).stdout == chinese.stdout
    assert run("--lang", "en", *args, cwd=tmp_path, env=_env("zh_CN.UTF-8")).stdout \
        == english.stdout
    assert run(*args, "--lang", "en", cwd=tmp_path, env=_env("zh_CN.UTF-8")).stdout \
        == english.stdout
    # LC_ALL decides before LANG, as POSIX has it
    assert run(*args, cwd=tmp_path, env=_env("zh_CN.UTF-8", LC_ALL="C.UTF-8")).stdout \
        == english.stdout
    error = run("graph", "tanh + x", "x=1", cwd=tmp_path, env=_env("zh_CN.UTF-8"))
    assert error.returncode == 2
    assert one_line_error(error, "graph") == (
        "gradbook graph: tanh 是函数：请调用它，例如 tanh(x)：位于 'tanh + x' 第 1 列的 'tanh'")
