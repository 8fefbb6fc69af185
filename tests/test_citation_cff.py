"""CITATION.cff names the repository the book's pages link to."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_citation_file_points_at_the_books_repository():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["repository-code"] == config["repository"]["url"]
    assert cff["title"] and cff["authors"] and cff["license"]
