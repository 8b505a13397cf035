"""Sphinx extension for the course site (loaded by _config.yml's ``sphinx.local_extensions``).

* Each page lists every script once. sphinx-thebe registers its inline setup script on
  every read of the sources, and a page that declares ``const THEBE_JS_URL`` twice stops
  with a console error.
* Bibliography labels in the author-year form of the citations in the text
  ("Kingma and Ba, 2015"), sorted by author and year: the ``authoryear`` pybtex style.
* A first visit starts in the "auto" colour mode: without a ``default_mode`` the theme
  reads an empty mode and logs a console error on every first page view.
* The bibliography's entries trade ``role="doc-biblioentry"`` (deprecated by DPUB-ARIA 1.1,
  reported by axe-core) for ``listitem``, the role their ``role="list"`` parent expects.
* The course's stylesheet and script for small screens (book/_static/course.css and
  course.js): wide equations and tables scroll sideways with a visible hint, and wide
  figures keep legible labels.
"""

from __future__ import annotations


def unique_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated entries (same file or same inline body, same attributes) from the page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        filename = getattr(script, "filename", script) or ""  # inline scripts: None or ""
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def bibliography_without_deprecated_roles(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and "doc-biblio" in body:
        # each entry of the citation list (role="list") becomes one of its list items
        body = body.replace(' role="doc-biblioentry"', ' role="listitem"')
        body = body.replace(' role="doc-bibliography"', "")
        context["body"] = body


def default_colour_mode(app, config):
    context = dict(config.html_context or {})  # the theme reads default_mode from here
    context.setdefault("default_mode", "auto")
    config.html_context = context


def author_year_style():
    """A pybtex formatting style whose labels read like the in-text citations."""
    from pybtex.style.formatting.unsrt import Style
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting.author_year_title import SortingStyle

    def surname(person) -> str:
        text = " ".join(person.prelast_names + person.last_names)
        for latex in ("{", "}", "\\'", '\\"', "\\`", "\\^", "\\"):  # {\'a} -> a
            text = text.replace(latex, "")
        return text

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [surname(p) for p in people]
                if not names:
                    who = entry.fields.get("organization", entry.key)
                elif len(names) == 1:
                    who = names[0]
                elif len(names) == 2:
                    who = f"{names[0]} and {names[1]}"
                else:
                    who = f"{names[0]} et al."
                labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
            for i, label in enumerate(labels):  # "Ng, 2017a", "Ng, 2017b" where two collide
                same = [j for j, other in enumerate(labels) if other == label]
                yield label + ("abcdefghijklmnopqrstuvwxyz"[same.index(i)] if len(same) > 1 else "")

    class AuthorYear(Style):
        default_label_style = AuthorYearLabels
        default_sorting_style = SortingStyle

    return AuthorYear


def setup(app):
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", "authoryear", author_year_style())
    app.add_css_file("course.css")
    app.add_js_file("course.js", defer="defer")
    app.connect("config-inited", default_colour_mode)
    app.connect("html-page-context", unique_scripts, priority=900)  # after every other handler
    app.connect("html-page-context", bibliography_without_deprecated_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
