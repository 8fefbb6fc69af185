"""The helpers the book's pages use: recording, gathering, tables, glue."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from parallel_python import book, provenance, sphinxext
from parallel_python.core import results
from tests.fakes import fake_sweep


@pytest.fixture
def results_folder(tmp_path, monkeypatch):
    folder = tmp_path / "results"
    monkeypatch.setenv(book.RESULTS_DIR_ENV, str(folder))
    return folder


def test_record_then_gather_into_one_file(results_folder, tmp_path):
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    book.record("numpy-blas-sweep", sweep)
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=tmp_path / "html"
    )
    sphinxext.gather(app, None)
    gathered = json.loads((tmp_path / "html/_static/book-results.json").read_text())
    assert gathered["format"] == results.FORMAT_VERSION
    run = gathered["results"]["numpy-blas-sweep"]
    assert run["experiment"] == "numpy-blas-sweep"
    assert results.from_data(type(sweep), run["result"]) == sweep


def test_gather_does_nothing_after_a_failed_build(results_folder, tmp_path):
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=tmp_path / "html"
    )
    sphinxext.gather(app, RuntimeError("build failed"))
    assert not (tmp_path / "html").exists()


def test_book_root_is_found_from_a_chapter_folder(tmp_path):
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "_toc.yml").write_text("root: x\n")
    chapter = tmp_path / "book" / "handson"
    chapter.mkdir(parents=True)
    assert book.book_root(chapter) == tmp_path.resolve()
    with pytest.raises(FileNotFoundError, match="no book"):
        book.book_root(tmp_path.parent)


def test_machine_table_is_markdown_with_every_row():
    table = book.machine_table()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(book.machine().rows())
    assert "CPUs this process may use" in table


def test_glue_refuses_objects_that_would_render_badly():
    with pytest.raises(TypeError, match="str, int or float"):
        book.glue("x", [1, 2])


def test_repeated_inline_scripts_are_dropped():
    from sphinx.builders.html._assets import _JavaScript

    scripts = [
        _JavaScript(None, body="const A = 1"),
        _JavaScript("x.js"),
        _JavaScript("", body="const A = 1"),  # the same, registered again
        _JavaScript("", body="const B = 2"),
    ]
    context = {"script_files": scripts}
    sphinxext.drop_repeated_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] is scripts  # the builder's own list, mended
    assert [s.attributes.get("body") for s in scripts] == [
        "const A = 1",
        None,
        "const B = 2",
    ]


def test_build_context_names_the_builder():
    actions = book.build_context(
        {
            "GITHUB_ACTIONS": "true",
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "GITHUB_REPOSITORY": "someone/parallel-python",
            "GITHUB_RUN_ID": "42",
        }
    )
    assert "GitHub Actions on a hosted runner (Linux, X64)" in actions
    assert "someone/parallel-python, run 42" in actions
    assert "by a CI job" in book.build_context({"CI": "true"})
    assert "the computer that built this copy" in book.build_context({})


def test_result_runs_once_per_build_then_reads_the_record(tmp_path, monkeypatch):
    """The first page to ask runs the experiment; later asks read the record."""
    from parallel_python import catalogue

    monkeypatch.setenv("PARALLEL_PYTHON_RESULTS_DIR", str(tmp_path))
    calls = []
    entry = catalogue.get("numpy-thread-settings")

    def counted(**kwargs):
        calls.append(kwargs)
        return entry.run(**kwargs)

    patched = dataclasses.replace(entry, run=counted)
    monkeypatch.setattr(
        catalogue,
        "EXPERIMENTS",
        tuple(patched if e.name == entry.name else e for e in catalogue.EXPERIMENTS),
    )
    first = book.result("numpy-thread-settings")
    second = book.result("numpy-thread-settings")
    assert len(calls) == 1 and calls[0]["variable"] == "OMP_NUM_THREADS"
    assert first == second
    saved = results.read_json(tmp_path / "numpy-thread-settings.json")
    metered = saved["disturbance"]  # the runner meters every run
    assert metered["seconds"] > 0 and set(metered) >= {"other_cpus", "steal_cpus"}
    assert "probe_spread" not in saved  # a short run is not bracketed by the probe
    with pytest.raises(ValueError, match="no option"):
        book.result("race", nonsense=1)
    # a record this version cannot read (an older one made it) is run again
    record = tmp_path / "numpy-thread-settings.json"
    old = results.read_json(record)
    old["result"] = {"made by": "an older version"}
    record.write_text(json.dumps(old))
    again = book.result("numpy-thread-settings")
    assert len(calls) == 2 and again == first.__class__(**again.__dict__)
    assert results.read_json(record)["result"] != {"made by": "an older version"}


def test_accessibility_repairs_name_the_toggles_and_fix_the_bibliography_roles():
    from parallel_python.sphinxext import accessible_html

    page = (
        '<details open="open"><summary><span class="toctree-toggle" '
        'role="presentation"></span></summary></details>'
        '<div role="list"><div class="citation" role="doc-biblioentry"></div></div>'
    )
    fixed = accessible_html(page)
    assert '<summary aria-label="Show or hide the pages of this part">' in fixed
    assert 'role="listitem"' in fixed and "doc-biblioentry" not in fixed
    assert accessible_html(fixed) == fixed  # a second pass changes nothing


def test_result_passes_another_experiments_result_to_a_run_that_takes_it(
    tmp_path, monkeypatch
):
    """Free threading reuses this build's GIL record: a run parameter, not an option."""
    from parallel_python import catalogue

    monkeypatch.setenv("PARALLEL_PYTHON_RESULTS_DIR", str(tmp_path))
    seen = {}
    entry = catalogue.get("free-threading")
    assert "gil" not in {o.name for o in entry.options}

    def fake_run(*, gil=None, **kwargs):
        seen["gil"] = gil
        return catalogue.get("free-threading").result_type.__new__(entry.result_type)

    patched = dataclasses.replace(entry, run=fake_run)
    monkeypatch.setattr(
        catalogue,
        "EXPERIMENTS",
        tuple(patched if e.name == entry.name else e for e in catalogue.EXPERIMENTS),
    )
    monkeypatch.setattr(book, "record", lambda name, outcome, *_: None)
    book.result("free-threading", gil="the GIL record")
    assert seen["gil"] == "the GIL record"


def test_shown_source_fits_the_column_and_keeps_its_meaning():
    source = (
        "def f(alpha_parameter: int, beta_parameter: int, gamma_parameter: int)"
        " -> int:\n"
        '    """A docstring line that is far too long to fit in the column of the book,'
        ' so it wraps."""\n'
        "    # a comment that is also far too long to fit in the column of the"
        " book's text\n"
        "    return alpha_parameter + beta_parameter + gamma_parameter\n"
    )
    out = book.narrow_source(source)
    assert max(len(line) for line in out.splitlines()) <= book.SHOWN_CODE_WIDTH
    namespace = {}
    exec(out, namespace)  # still valid Python, same behaviour
    assert namespace["f"](1, 2, 3) == 6
    assert "# a comment that is also far too long" in out


def test_build_end_writers_find_the_one_page_of_a_singlehtml_build(tmp_path):
    """./tasks pdf prints a one-page build: the summaries written at the end of
    the build go into that page, not into a page that does not exist."""
    one = SimpleNamespace(
        builder=SimpleNamespace(name="singlehtml", out_suffix=".html"),
        config=SimpleNamespace(root_doc="book/intro/why-parallelise"),
        outdir=tmp_path,
    )
    many = SimpleNamespace(
        builder=SimpleNamespace(name="html", out_suffix=".html"), outdir=tmp_path
    )
    about = sphinxext.ABOUT_PAGE
    assert sphinxext.written_page(one, about) == (
        tmp_path / "book/intro/why-parallelise.html"
    )
    assert sphinxext.written_page(many, about) == tmp_path / f"{about}.html"


def test_glued_numbers_note_their_source_and_conflicts_are_found(results_folder):
    provenance.note_source("a", "1.5×", ("gil", "speed-up"), 1.5)
    provenance.note_source("b", "1.5×", ("gil", "speed-up"), 1.5)
    provenance.note_source("c", "20 ms", ("gil", "task_seconds"), 0.02)
    notes = provenance.glued_sources()
    assert [n["glue"] for n in notes] == ["a", "b", "c"]
    assert provenance.conflicting_sources(notes) == {}
    provenance.note_source("d", "1.6×", ("gil", "speed-up"), 1.6)
    assert provenance.conflicting_sources(provenance.glued_sources()) == {
        ("gil", "speed-up"): ["1.5×", "1.6×"]
    }


def test_a_source_must_be_a_catalogued_experiment_and_a_field(results_folder):
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        provenance.note_source("a", "1", ("nope", "x"), None)
    with pytest.raises(TypeError, match=r"\(experiment, field\)"):
        provenance.note_source("a", "1", "gil", None)


def test_glue_figure_names_the_headlines_it_knows(results_folder):
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    book.record("numpy-blas-sweep", sweep)
    with pytest.raises(ValueError, match="has no headline figure 'nope'"):
        book.glue_figure("x", "numpy-blas-sweep", "nope")


def test_gather_keeps_the_last_note_of_each_glue(results_folder, tmp_path):
    provenance.note_source("a", "1.5×", ("gil", "speed-up"), 1.5)
    provenance.note_source("a", "1.7×", ("gil", "speed-up"), 1.7)  # the page ran again
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=tmp_path / "html"
    )
    sphinxext.gather(app, None)
    glued = json.loads((tmp_path / "html/_static/book-glued.json").read_text())
    assert [(n["glue"], n["text"]) for n in glued] == [("a", "1.7×")]


def test_a_sentence_names_the_run_it_came_from(results_folder, monkeypatch):
    """glue_md(of=...) notes the run's fingerprint; the recorded run and the
    object a first run returned have the same one, and another run of the
    same experiment is caught."""
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: None)
    first = book.result("numpy-thread-settings")
    book.glue_md("said", "one sentence", of=first)
    again = book.result("numpy-thread-settings")  # read from its record
    book.glue_md("said again", "another", of=again)
    book.glue("a number", "4", of=("numpy-thread-settings", "threads"), raw=4)
    notes = provenance.glued_sources()
    assert [n["field"] for n in notes][:2] == ["sentence said", "sentence said again"]
    recorded = provenance.recorded_run("numpy-thread-settings")
    assert {n["run"] for n in notes} == {recorded}
    assert provenance.conflicting_runs(notes, {"numpy-thread-settings": recorded}) == {}
    # a page that ran the experiment itself (and got another reading)
    # glues a sentence from another run
    own = dataclasses.replace(first, value=first.value + 1)
    book._returned("numpy-thread-settings", own)
    book.glue_md("own run", "a third", of=own)
    found = provenance.conflicting_runs(provenance.glued_sources())
    assert found == {
        "numpy-thread-settings": ["a number", "own run", "said", "said again"]
    }


def test_a_sentence_must_come_from_a_result_the_book_returned(results_folder):
    with pytest.raises(ValueError, match="book.result returned"):
        book.glue_md("said", "text", of=object())
    with pytest.raises(TypeError, match="expected text"):
        book.glue_md("said", 3)


def test_a_long_run_is_bracketed_by_a_single_core_probe(tmp_path, monkeypatch):
    from parallel_python import catalogue

    monkeypatch.setenv("PARALLEL_PYTHON_RESULTS_DIR", str(tmp_path))
    entry = catalogue.get("numpy-thread-settings")
    long = dataclasses.replace(entry, seconds=book.PROBED_RUN_SECONDS)
    monkeypatch.setattr(
        catalogue,
        "EXPERIMENTS",
        tuple(long if e.name == entry.name else e for e in catalogue.EXPERIMENTS),
    )
    monkeypatch.setattr(book, "PROBE", {"samples": 2, "seconds": 0.001})
    monkeypatch.setattr(book, "SETTLE_BEFORE_PROBE", 0.0)
    book.result("numpy-thread-settings")
    before, after = results.read_json(tmp_path / "numpy-thread-settings.json")[
        "probe_spread"
    ]
    assert before >= 0 and after >= 0


def test_percent_sign_stays_with_its_number_in_prose_not_in_code():
    from docutils import nodes

    from parallel_python.sphinxext import keep_percent_with_number, unbreakable_percent

    assert unbreakable_percent("within 80 % of it, 90 % interval") == (
        "within 80\u00a0% of it, 90\u00a0% interval"
    )
    assert unbreakable_percent("100% and a % alone") == "100% and a % alone"
    doc = nodes.document(None, None)
    para = nodes.paragraph("", "", nodes.Text("ran at 95 % of the ideal"))
    code = nodes.literal_block("", "print(f'{x} %')  # 5 %")
    inline = nodes.paragraph("", "", nodes.literal("", "50 %"))
    doc += [para, code, inline]
    glued = nodes.paragraph(
        "", "", nodes.inline("", "", nodes.Text("80")), nodes.Text(" % of it")
    )
    doc += glued
    keep_percent_with_number(None, doc, "page")
    assert para.astext() == "ran at 95\u00a0% of the ideal"
    assert glued.astext() == "80\u00a0% of it"  # a glued number, then " %"
    assert code.astext() == "print(f'{x} %')  # 5 %"
    assert inline.astext() == "50 %"


def _shown_functions():
    """Every function a page shows with ``book.show_source``, by the names
    the page imports it under."""
    import importlib
    import re

    found = []
    for page in sorted(Path(__file__).parent.parent.joinpath("book").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        names = {}
        for module, imported in re.findall(
            r"^from (parallel_python[\w.]*) import ([\w ,]+)$", text, re.M
        ):
            for item in imported.split(","):
                name, _, alias = item.strip().partition(" as ")
                names[alias or name] = (module, name)
        for call in re.findall(r"book\.show_source\(([^)]*)\)", text):
            for dotted in filter(None, (d.strip() for d in call.split(","))):
                alias, attr = dotted.split(".")
                module, name = names[alias]
                holder = getattr(importlib.import_module(module), name)
                found.append((page.name, dotted, getattr(holder, attr)))
    return found


def test_code_the_pages_show_already_fits_the_column():
    """narrow_source re-formats what is too wide, and a re-formatted listing
    reads badly (a comment pushed into brackets, a docstring line of one
    word): so the functions the book shows are written to fit."""
    import inspect
    import textwrap

    shown = _shown_functions()
    assert len(shown) >= 10  # the pages' listings were found
    for page, name, fn in shown:
        source = textwrap.dedent(inspect.getsource(fn))
        wide = [
            line for line in source.splitlines() if len(line) > book.SHOWN_CODE_WIDTH
        ]
        assert not wide, f"{page} shows {name} with lines wider than the column: {wide}"
