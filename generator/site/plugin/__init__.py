"""perfsite as a MkDocs plugin: a council's performance pages added to a MkDocs build in memory.

``perfsite build`` runs MkDocs with this plugin; a council with its own MkDocs site adds it to
its ``mkdocs.yml``::

    plugins:
      - search
      - perfsite:
          package: data/council
          prefix: performance/

Pages and downloads reach MkDocs as in-memory files (``File.generated``): nothing is written
into the docs folder, the package or the current folder. Generated pages are HTML that
perfsite rendered itself, so Python-Markdown does not parse them again, and the search plugin
indexes a compact entry per page (title, id, summary, description words) instead of
re-parsing every table.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.utils import get_theme_dir, nest_paths

from ... import parallel, standard
from ...errors import PerfsiteError, ValidationFailed
from .. import preview, sitegen
from ..shipped import HAND_WRITTEN, THEME_OVERRIDES
from .options import PerfsiteConfig
from .processes import TwoProcesses
from .site_files import _clashes, _mentions, _rendered, _where, file_links

ASSETS_CSS = "assets/perfsite.css"
ASSETS_JS = "assets/perfsite.js"
READERS_CSS = "assets/readers.css"  # filters, status history, citations, the infographic
FILTERS_JS = "assets/filters.js"  # the measures filter (progressive enhancement)

log = logging.getLogger("mkdocs.plugins.perfsite")
SECTION = "Performance"  # the navigation section of the performance pages in a council's site


class PerfsitePlugin(TwoProcesses, BasePlugin[PerfsiteConfig]):
    """Adds a package's performance pages, downloads and assets to a MkDocs build."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: sitegen.Site | None = None
        self.pages: dict[str, sitegen.Page] = {}  # by src_uri
        # `perfsite build` runs the whole MkDocs build: a large council's pages are rendered on
        # two processes, and each generated page's HTML is let go once written (no other plugin
        # reads it). In a council's own MkDocs site, neither.
        self.whole_build = False
        self._nav = None
        self._second = None
        self._claims: parallel.Claims | None = None  # MkDocs' pages, shared out as they are reached
        self._order: dict[str, int] = {}  # each page's place in MkDocs' order, by src_uri
        self._in_second = False  # True in the forked child
        self._fragments: dict[tuple, str] = {}  # Material's parts shared by a folder's pages
        self._around: dict[tuple, tuple[str, str]] = {}  # the same, either side of a page's own text
        self._translators: dict = {}  # Material's lang.t by language
        self._env = None
        self._autoescape = False
        self._section: list | None = None  # the Performance section of a navigation MkDocs makes

    # -- configuration ------------------------------------------------------------------
    def on_config(self, config):
        mine = [name for name, plugin in config.plugins.items() if isinstance(plugin, PerfsitePlugin)]
        if len(mine) > 1:
            raise PluginError(
                f"perfsite is listed {len(mine)} times under 'plugins' in mkdocs.yml: list it once "
                "(one data package a site)"
            )
        if self.site is None and not self.config.package:
            raise PluginError("perfsite: set 'package' to the folder of the council's data package")
        self.prefix = self.config.prefix
        if self.site is None:  # in a council's own MkDocs build; `perfsite build` hands the site in
            self._check_package(config)
            self.site = self._generate(config)
        site = self.site
        self.pages = {self.prefix + path: page for path, page in site.pages.items()}
        if not config.site_url:
            # the site's own address, else (perfsite's own site) the package's; a council's site
            # with a prefix is not given the package's address as its own
            config.site_url = self.config.site_url or (None if self.prefix else site.site_url)
        if not self.prefix:  # a standalone perfsite site: the council's name is the site's name
            config.site_name = site.site_name
            config.copyright = site.copyright
        draft = site.draft
        config.extra["perfsite"] = {
            "preview": site.preview,
            "council": html.escape(site.council),
            "prefix": self.prefix,
            "draft": {"text": draft.text, "banner": draft.banner, "head": draft.head} if draft else None,
        }
        if site.preview:
            config.extra["preview"] = True
        if self.config.nav:
            self._add_to_nav(config, sitegen.nav(site.pages, self.prefix))
        # perfsite's Material overrides (DRAFT banner, noindex, meta description, the parts made
        # once per folder) sit just above Material's own templates, under the council's custom_dir.
        # Other themes are left as they are: the plugin marks a preview's pages itself (on_post_page).
        dirs = config.theme.dirs
        material = get_theme_dir("material")
        if config.theme.name == "material" and material in dirs and str(THEME_OVERRIDES) not in dirs:
            dirs.insert(dirs.index(material), str(THEME_OVERRIDES))
        assets = (
            ("extra_css", ASSETS_CSS),
            ("extra_css", READERS_CSS),
            ("extra_javascript", ASSETS_JS),
            ("extra_javascript", FILTERS_JS),
        )
        for option, asset in assets:
            if not any(str(entry) == self.prefix + asset for entry in config[option]):
                config[option].append(self.prefix + asset)
        # MkDocs stamps sitemap dates and gzip headers with SOURCE_DATE_EPOCH: from the data, so
        # the same package gives the same bytes on any day (perfsite build runs one build a process)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(site.epoch))
        return config

    def _check_package(self, config) -> None:
        """The package folder is read, never published as it is: not the docs folder nor inside it
        (MkDocs would copy its CSVs, unpublished figures included, into the site), and holding
        neither the docs folder nor the site folder (MkDocs writes there)."""
        package = Path(self.config.package).resolve()
        docs, out = Path(config.docs_dir).resolve(), Path(config.site_dir).resolve()
        if package == docs or package.is_relative_to(docs):
            raise PluginError(
                f"perfsite: the package {package} is inside the docs folder {docs}, so MkDocs would "
                "publish its files as they are, unpublished figures included: keep the package "
                "outside docs_dir (for example beside mkdocs.yml)"
            )
        for what, folder in (("docs folder", docs), ("site folder", out)):
            if folder.is_relative_to(package):
                raise PluginError(
                    f"perfsite: the package {package} holds the {what} {folder}: keep the data "
                    "package in a folder of its own (for example data/council/ beside mkdocs.yml)"
                )
        # MkDocs writes through a link it finds in the site folder: into the package, never
        for root, dirs, names in os.walk(out):
            for name in [*dirs, *names]:
                path = Path(root) / name
                if path.is_symlink():
                    with contextlib.suppress(OSError, RuntimeError):
                        if path.resolve().is_relative_to(package):
                            raise PluginError(
                                f"perfsite: {path} in the site folder is a link into the package {package}: "
                                "MkDocs would write the site into the package through it; delete the link"
                            )

    def _check_no_package_files(self, files: Files, ours: set[str], project: Path) -> None:
        """No file MkDocs copies (the council's docs folder, the theme's custom_dir) is one of the
        package's: a link to the package or to one of its files, a hard link, or a custom_dir that is
        the package would have MkDocs publish its CSVs as they are, unpublished figures included."""
        if self.config.package is None:
            return  # perfsite build: the docs folder is perfsite's own hand-written pages
        package = Path(self.config.package).resolve()
        live = set()
        csvs = [p for p in package.rglob("*.csv") if p.relative_to(package).parts[0] != "archive"]
        for path in [package / "datapackage.json", *csvs]:
            with contextlib.suppress(OSError):
                st = path.stat()
                live.add((st.st_dev, st.st_ino))
        found = []
        for file in files:
            if file.src_uri in ours or not file.abs_src_path or file.inclusion.is_excluded():
                continue
            source = Path(file.abs_src_path)
            try:
                st = source.stat()
                inside = source.resolve().is_relative_to(package)
            except (OSError, RuntimeError):
                continue
            if inside or (st.st_dev, st.st_ino) in live:
                found.append(_where(file, project))
        if found:
            shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
            raise PluginError(
                f"perfsite: MkDocs would publish files of the package {package} as they are, unpublished "
                f"figures included: {shown} (reached from docs_dir or the theme's custom_dir, directly or "
                "through a link); keep the package out of both and remove any link to it: perfsite "
                "publishes the package's published data itself"
            )

    def _generate(self, config) -> sitegen.Site:
        package = Path(self.config.package)
        base = self.config.site_url or config.site_url
        if base and not self.config.site_url:  # MkDocs' own site_url: the same rule as the package's
            problem = standard.site_url_problem(base)
            if problem:
                raise PluginError(
                    f"perfsite: site_url {base!r} in mkdocs.yml is not a web address: {problem}"
                )
        # the performance pages' own address (feed, citations, the data's JSON-LD): the site's, then
        # the prefix; without one, the package's site_url
        address = (base.rstrip("/") + "/" + self.prefix) if base else None
        try:
            return sitegen.generate(package, preview=self.config.preview, site_url=address)
        except ValidationFailed as exc:
            shown = "\n".join(f"  ✗ {i}" for i in exc.issues[:50])
            raise PluginError(f"perfsite: the package {package} has errors:\n{shown}") from exc
        except PerfsiteError as exc:
            raise PluginError(f"perfsite: {exc}") from exc
        except (OSError, RuntimeError, RecursionError) as exc:  # a loop of links, an unreadable file
            raise PluginError(f"perfsite: the package {package} could not be read: {exc}") from exc

    def _add_to_nav(self, config, entries: list) -> None:
        """The performance pages in the site's navigation: the whole navigation of a perfsite site;
        in a council's site, a "Performance" section at the end (the council's own "Performance"
        section, if it has one, gets them after its pages), unless the council's navigation lists
        perfsite's pages itself."""
        if config.nav is None:
            if not self.prefix:
                config.nav = entries
            else:  # MkDocs would list the council's pages by folder: perfsite's go in their section
                self._section = entries  # (on_files, once the council's pages are known)
            return
        if not self.prefix:
            config.nav.extend(entries)
            return
        if any(_mentions(item, self.prefix) for item in config.nav):
            log.info("perfsite: the site's navigation already lists the performance pages: left as it is")
            return
        for i, item in enumerate(config.nav):
            if isinstance(item, dict) and len(item) == 1:
                ((title, children),) = item.items()
                if isinstance(title, str) and title.strip().casefold() == SECTION.casefold():
                    own = children if isinstance(children, list) else [children]
                    config.nav[i] = {title: [*own, *entries]}
                    return
        config.nav.append({SECTION: entries})

    # -- files ----------------------------------------------------------------------------
    def on_files(self, files: Files, *, config) -> Files:
        assert self.site is not None
        wanted: dict[str, File] = {}
        for path in sorted(p for p in HAND_WRITTEN.rglob("*") if p.is_file()):
            uri = self.prefix + path.relative_to(HAND_WRITTEN).as_posix()
            wanted[uri] = File.generated(config, uri, abs_src_path=str(path))
        for uri, page in self.pages.items():
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            # the content is never parsed: on_page_markdown hands MkDocs the page's HTML instead
            wanted[uri] = File.generated(config, uri, content="", inclusion=inclusion)
        for rel, data in self.site.files.items():
            uri = self.prefix + rel
            wanted[uri] = File.generated(config, uri, content=data)
        for rel, path in self.site.copies.items():
            uri = self.prefix + rel
            wanted[uri] = File.generated(config, uri, abs_src_path=str(path))
        # a standalone build reads perfsite's hand-written pages as its docs folder: those are ours
        ours = {
            uri
            for uri in wanted
            if (f := files.get_file_from_path(uri)) is not None
            and f.abs_src_path
            and Path(f.abs_src_path).is_relative_to(HAND_WRITTEN)
        }
        project = Path(config.config_file_path or config.docs_dir).parent
        self._check_no_package_files(files, ours, project)
        theirs = [(_where(file, project), file.dest_uri) for file in files if file.src_uri not in ours]
        theirs += [(f"the template {name}", name) for name in config.theme.static_templates]
        theirs += [(f"the template {name}", name) for name in config.extra_templates]
        clashes = _clashes({file.dest_uri: uri for uri, file in wanted.items() if uri not in ours}, theirs)
        if clashes:
            fix = (
                "Set the plugin's 'prefix' to another folder"
                if self.prefix
                else "Set the plugin's 'prefix' so the performance pages have a folder of their own "
                "(for example 'performance/')"
            )
            shown = "\n".join(
                f"  ✗ {theirs} would be written to {dest}, where {mine}"
                for theirs, dest, mine in clashes[:10]
            )
            more = f"\n  … and {len(clashes) - 10} more" if len(clashes) > 10 else ""
            raise PluginError(
                "perfsite: the site already has files at addresses of the performance pages, and "
                f"nothing is overwritten:\n{shown}{more}\n{fix}, or move these files."
            )
        if self._section is not None:  # the navigation MkDocs would make, and perfsite's section
            pages = sorted(files.documentation_pages(), key=file_sort_key)
            config.nav = [
                *nest_paths(f.src_uri for f in pages if f.inclusion.is_in_nav()),
                {SECTION: self._section},
            ]
        for uri, file in wanted.items():
            if uri not in ours:
                files.append(file)
        return files

    # -- pages: HTML in, no second parse -------------------------------------------------------
    def on_pre_page(self, page, *, config, files):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:  # rendered already: no Markdown converter is set up for it
            page.render = functools.partial(_rendered, page, generated)
        return page

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return markdown
        page.meta["title"] = html.escape(generated.title)  # Material prints titles raw
        if generated.description:
            page.meta["description"] = html.escape(generated.description)  # printed raw in an attribute
        return ""

    # MkDocs reads every page before it renders any. In `perfsite build` a generated page's HTML
    # is only decoded when the page is rendered (on_page_context), so a large council's site is
    # never held whole as text; in a council's own site, other plugins may read it here.
    def on_page_content(self, content: str, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return content
        return "" if self.whole_build else self._html(generated, config)

    # The search plugin indexes page.content in its own on_page_context (priority 0). Before it,
    # a generated page shows a compact entry; after it, the page gets its full HTML.
    @event_priority(50)
    def _compact_for_search(self, context, *, page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            text = html.escape(generated.search or generated.title)
            page.content = f"<h1>{html.escape(generated.title)}</h1>\n<p>{text}</p>"
        return context

    @event_priority(-50)
    def _full_page_after_search(self, context, *, page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if self._here(page) and generated is not None:
            page.content = self._html(generated, config)
        return context

    @staticmethod
    def _html(generated: sitegen.Page, config) -> str:
        """A generated page's HTML; with ``use_directory_urls: false`` its links to folders
        (``measures/``) point at their pages' files (``measures/index.html``), as MkDocs' own do,
        so the site also works opened from disk."""
        text = generated.html
        return text if config.use_directory_urls else file_links(text)

    def _here(self, page) -> bool:
        """Whether this process renders ``page``: always, unless MkDocs' pages are shared with a
        second process (see on_env); then the one that reaches it first. Every page's template is
        then ``perfsite-either.html``, which renders the page's own template only where it is here."""
        if self._claims is None:
            return True
        index = self._order.get(page.file.src_uri)
        here = self._in_second or index is None or self._claims.claim(index)
        page.meta["perfsite_here"] = here
        return here

    on_page_context = CombinedEvent(_compact_for_search, _full_page_after_search)

    def on_post_page(self, output: str, *, page, config) -> str:
        if self.whole_build and page.file.src_uri in self.pages:
            page.content = None  # written: the page's text is not needed again
        return self._mark(output)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        return self._mark(output_content) if template_name.endswith(".html") else output_content

    def _mark(self, output: str) -> str:
        """A preview's page with its DRAFT banner and noindex, whatever the theme made of it: a
        council's own main.html, or another theme than Material, may leave them out. An empty
        page stays empty (MkDocs writes nothing for it: the other process writes that page)."""
        draft = self.site.draft if self.site is not None else None
        if draft is None or not output.strip():
            return output
        return preview.mark_page(output, draft)

    def on_serve(self, server, *, config, builder):
        """``mkdocs serve`` rebuilds when the package changes (a publish, a corrected figure)."""
        if self.config.package:
            server.watch(self.config.package)
        return server
