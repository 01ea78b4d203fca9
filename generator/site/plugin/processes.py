"""MkDocs' pages made on two processes, and the parts of Material's page made once per folder.

MkDocs renders pages one by one, each through Material's whole template (navigation, header,
search); for a large council that is most of MkDocs' time. Once every page is read (on_env),
a forked child takes pages one at a time and renders and writes each with MkDocs' own page
builder, while this process goes through MkDocs' loop as usual and renders each page the
child has not taken yet; for the others it renders nothing (MkDocs writes nothing for an
empty page). So the faster process makes more pages, and both finish together. Search, the
sitemap and the copies are still made here, from every page.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import get_theme_dir

from ... import parallel

EITHER = "perfsite-either.html"  # a page's template when either process may render it
SPLIT_PAGES = 150  # from this many pages, MkDocs renders them on two processes


class TwoProcesses:
    """Mixed into :class:`perfsite.site.plugin.PerfsitePlugin`."""

    def on_nav(self, nav, *, config, files):
        self._nav = nav
        return nav

    def on_env(self, env, *, config, files):
        env.auto_reload = False  # each build makes a new environment: no file check on every page
        # perfsite's partials/nav.html and tabs.html wrap Material's own (reached as material/…)
        material = PrefixLoader({"material": FileSystemLoader(get_theme_dir("material"))})
        env.loader = ChoiceLoader([env.loader, material])
        self._env = env
        self._autoescape = env.autoescape is not False  # titles are printed raw only without it
        self._fragments = {}
        self._around = {}
        self._translators = {}
        env.globals["perfsite_shared"] = self._shared
        env.globals["perfsite_shared_around"] = self._shared_around
        env.globals["perfsite_translations"] = self._translations
        env.globals["perfsite_content"] = self._content
        build_page = getattr(mkdocs_build, "_build_page", None)
        pages = [f for f in files.documentation_pages(inclusion=InclusionLevel.is_included)]
        if not (self.whole_build and build_page and len(pages) >= 2 * SPLIT_PAGES and parallel.can_fork()):
            return env
        nav = self._nav
        # jinja2 compiles Material's templates on first use: render one page in memory (and throw
        # it away) so they are compiled once, here, rather than in both processes
        first = pages[0].page
        first.active = True
        try:
            env.get_template(first.meta.get("template", "main.html")).render(
                mkdocs_build.get_context(nav, pages, config, first)
            )
        finally:
            first.active = False

        for file in pages:
            meta = file.page.meta
            meta["perfsite_template"] = meta.get("template", "main.html")
            meta["template"] = EITHER
        self._order = {file.src_uri: i for i, file in enumerate(pages)}
        self._claims = claims = parallel.Claims(len(pages))

        def render_theirs() -> None:
            self._in_second = True
            while (index := claims.take()) is not None:
                file = pages[index]
                build_page(file.page, config, pages, nav, env, excluded=file.inclusion.is_excluded())

        self._second = parallel.fork(render_theirs)
        return env

    def _folder(self, page) -> tuple[str, int] | None:
        """Where a page's shared parts are kept: its folder and depth, for a generated page outside
        the navigation (no nav item is active, no previous or next page), else None. Links relative
        to such a page are the same from any page of one folder and depth, as none point inside it."""
        generated = self.pages.get(page.file.src_uri) if page is not None else None
        if generated is None or generated.in_nav or page.previous_page or page.next_page:
            return None
        return posixpath.dirname(page.url.rstrip("/")), page.url.count("/")

    def _shared(self, name: str, page, *, caller) -> str:
        """A part of Material's page in which nothing is the page's own (the navigation, the tabs,
        the search form, the footer, the scripts, the config JSON), made once per folder."""
        folder = self._folder(page)
        if folder is None:
            return caller()
        key = (name, *folder)
        if key not in self._fragments:
            self._fragments[key] = caller()
        return self._fragments[key]

    def _shared_around(self, name: str, page, text, *, caller) -> str:
        """A part of Material's page in which only ``text`` is the page's own, printed raw (the
        header's title, the content's HTML): made once per folder as what is either side of it.
        The split is kept only when the text occurs exactly once in the part (overlaps counted),
        so it cannot be anywhere else."""
        folder = self._folder(page)
        if folder is None or not text or not isinstance(text, str) or self._autoescape:
            return caller()
        key = (name, *folder)
        around = self._around.get(key)
        if around is None:
            made = caller()
            at = made.find(text)
            if at >= 0 and made.find(text, at + 1) < 0:  # once, overlaps counted
                self._around[key] = (made[:at], made[at + len(text) :])
            return made
        return around[0] + text + around[1]

    def _content(self, page, *, caller) -> str:
        """Material's content partial around a generated page's HTML. In ``perfsite build`` the
        rest of it (tags, edit buttons, dates, feedback) comes from plugins and settings the site
        does not have, and the page heading from the HTML itself: the same for a folder's pages."""
        content = page.content if page is not None else None
        if not (self.whole_build and isinstance(content, str) and "<h1" in content and page.edit_url is None):
            return caller()
        return self._shared_around("content", page, content, caller=caller)

    def _translations(self, config) -> Callable[[str], str]:
        """Material's ``lang.t``, each string looked up once a build: a translation depends only
        on the theme's language and the key (the language files are imported without context)."""
        language = config.theme.get("language")
        t = self._translators.get(language)
        if t is None:
            material = self._env.get_template("material/partials/language.html")
            t = self._translators[language] = functools.cache(material.make_module({"config": config}).t)
        return t

    def on_post_build(self, *, config):
        second, self._second = self._second, None
        if second is not None:
            try:
                second()
            except Exception as exc:
                raise PluginError(f"perfsite: the second process could not build its pages: {exc}") from exc

    def on_build_error(self, *, error):
        second, self._second = self._second, None
        if self._claims is not None:
            self._claims.stop()
        if second is not None:
            parallel.cancel(second)
