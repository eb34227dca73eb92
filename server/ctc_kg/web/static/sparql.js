/* The SPARQL editor page. It opens as a plain form (a labelled text area, a format
 * choice, a submit button) that works without JavaScript; this script loads the full
 * editor, YASGUI (1 MB), only when the form is first used (focus, pointer or key in it,
 * a click on an example or on "Open the full editor"), and YASGUI then takes over the
 * form's current query. Loading it with the page cost ~0.5 s of blocked main thread.
 *
 * YASGUI runs against this server's endpoint, one tab per example query. Every YASGUI
 * feature that would reach another host is off: no endpoint catalogue beyond ours, no
 * prefix.cc lookup, no LOV term autocompletion, no URL shortener, no CORS proxy; and tabs
 * are not persisted, so the example tabs always match this server's queries. */
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query-text");
  var host = document.getElementById("yasgui");
  var configEl = document.getElementById("yasgui-config");
  if (!form || !textarea || !host || !configEl) {
    return;
  }
  var config = JSON.parse(configEl.textContent);
  var title = config.formTitle || null; // the name of the editor's first tab
  var loading = false;
  var takeOver = null; // set once YASGUI runs: opens an example in its tab

  /* Links from other pages carry a query in the fragment (#query=…&tabTitle=…), so
   * following one never runs it: the form shows it. */
  if (window.location.hash.length > 1) {
    var params = new URLSearchParams(window.location.hash.slice(1));
    if (params.get("query")) {
      textarea.value = params.get("query");
      title = params.get("tabTitle") || null;
    }
  }

  /* An example link fills the form (without JavaScript it asks the server to, with
   * ?example=); once the full editor runs, it selects the example's tab instead. */
  Array.prototype.forEach.call(document.querySelectorAll("a[data-example-tab]"), function (link) {
    link.addEventListener("click", function (event) {
      var index = Number(link.getAttribute("data-example-tab"));
      var example = config.examples[index];
      if (!example) {
        return;
      }
      event.preventDefault();
      if (takeOver) {
        takeOver(index);
        return;
      }
      textarea.value = example.text;
      title = example.title;
      form.scrollIntoView({ block: "start" });
      textarea.focus({ preventScroll: true }); // and the full editor loads (focusin)
    });
  });

  var opener = document.getElementById("open-editor");
  var editorHint = document.getElementById("editor-hint");
  if (editorHint) {
    editorHint.hidden = false; // what this script offers, said only when it runs
  }
  if (opener) {
    opener.hidden = false;
    opener.addEventListener("click", loadEditor);
  }
  ["focusin", "pointerdown", "keydown"].forEach(function (type) {
    form.addEventListener(type, loadEditor, { once: true });
  });

  /* YASGUI's stylesheet and script, from this server (content-hashed URLs); the editor
   * is drawn once both are in (CodeMirror measures its text when it starts). If the
   * script cannot load, the plain form stays and keeps working. */
  function loadEditor() {
    if (loading) {
      return;
    }
    loading = true;
    var pending = 2;
    function ready() {
      pending -= 1;
      if (pending === 0) {
        start();
      }
    }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = config.yasgui.style;
    css.addEventListener("load", ready);
    css.addEventListener("error", ready);
    var script = document.createElement("script");
    script.src = config.yasgui.script;
    script.addEventListener("load", ready);
    document.head.appendChild(css);
    document.head.appendChild(script);
  }

  function start() {
    if (typeof window.Yasgui === "undefined") {
      return;
    }
    var endpoint = new URL(config.endpoint, window.location.href).toString();
    var request = { endpoint: endpoint, method: "POST" };
    var hadFocus = form.contains(document.activeElement);
    host.hidden = false;

    var yasgui = new window.Yasgui(host, {
      requestConfig: request,
      copyEndpointOnNewTab: true,
      corsProxy: undefined,
      persistenceId: null,
      populateFromUrl: false, // the form read the fragment already

      autofocus: false,
      tabName: config.tabName,
      endpointCatalogueOptions: {
        getData: function () {
          return [{ endpoint: endpoint }];
        },
        keys: []
      },
      yasqe: {
        value: textarea.value, // the form's query, as the user left it
        prefixCcApi: null,
        createShortLink: undefined,
        autocompleters: ["prefixes", "variables"],
        persistenceId: null
      },
      yasr: {
        prefixes: config.prefixes,
        persistenceId: null
      }
    });
    if (title) {
      yasgui.getTab().setName(title);
    }
    form.hidden = true; // the editor has its query now

    /* One tab per example query (the competency questions in queries/). addTab with
     * avoidDuplicateTabs selects the tab a landing-page link already opened instead of
     * adding a second one. */
    function exampleTab(example, setActive) {
      return yasgui.addTab(
        setActive,
        {
          name: example.title,
          yasqe: { value: example.text },
          requestConfig: request
        },
        { avoidDuplicateTabs: true }
      ).getId();
    }
    /* The tabs are added one at a time, each its own task, so the page keeps
     * answering input while ~25 tabs are drawn (no long task, Lighthouse's blocking time). */
    var exampleTabs = [];
    var drawn = 0;
    /* the form's tab is its example's tab when it holds an example's query unchanged */
    var formTab = yasgui.getTab().getId();
    config.examples.forEach(function (example, index) {
      if (example.text === textarea.value && exampleTabs.indexOf(formTab) < 0) {
        exampleTabs[index] = formTab;
      }
    });
    function addExampleTabs() {
      var stop = Math.min(drawn + 1, config.examples.length);
      for (; drawn < stop; drawn += 1) {
        if (!exampleTabs[drawn]) {  // not opened already from the list below
          exampleTabs[drawn] = exampleTab(config.examples[drawn], false);
        }
      }
      if (drawn < config.examples.length) {
        window.setTimeout(addExampleTabs, 0);
      }
    }
    window.setTimeout(addExampleTabs, 0);

    /* With 44 tabs the list under the editor is the table of contents: a link selects
     * its tab (re-opening it if the user closed it) and brings the editor into view. */
    function openExample(index) {
      var id = exampleTabs[index];
      if (id && yasgui.getTab(id)) {
        yasgui.selectTabId(id);
      } else {
        id = exampleTab(config.examples[index], true);
        exampleTabs[index] = id;
      }
      var active = host.querySelector(".tabsList .tab.active a");
      host.scrollIntoView({ block: "start" });
      if (active) {
        active.scrollIntoView({ block: "nearest" });
        active.focus({ preventScroll: true });
      }
    }
    /* A capped answer is never a silent cut: the server says so in X-CTC-KG-Truncated
     * ("true; limit=N") and the editor shows it above the results. */
    var note = document.createElement("p");
    note.className = "truncation-note";
    note.setAttribute("role", "status");
    note.hidden = true;
    host.parentNode.insertBefore(note, host);
    var french = (document.documentElement.lang || "").indexOf("fr") === 0;
    function showTruncation(response) {
      var headers = response && response.headers;
      var value = headers && typeof headers.get === "function" ? headers.get("X-CTC-KG-Truncated") : null;
      var match = value ? /limit=(\d+)/.exec(value) : null;
      if (!match) {
        note.hidden = true;
        note.textContent = "";
        return;
      }
      note.textContent = french
        ? "Résultats tronqués : seules les " + match[1] + " premières lignes sont affichées (limite du serveur). Affinez la requête ou utilisez LIMIT/OFFSET."
        : "Results truncated: only the first " + match[1] + " rows are shown (the server's limit). Narrow the query or page with LIMIT/OFFSET.";
      note.hidden = false;
    }
    yasgui.on("query", function (_yasgui, tab) {
      var yasqe = tab.getYasqe();
      if (yasqe && !yasqe.ctcKgTruncationWatch) {
        yasqe.ctcKgTruncationWatch = true;
        yasqe.on("queryResponse", function (_yasqe, response) {
          showTruncation(response);
        });
      }
    });

    /* What YASGUI 4.6 gets wrong for assistive technology, repaired after it draws (and
     * again whenever it changes its markup):
     * - tabs point aria-controls at panels it creates only when a tab is first shown:
     *   the attribute is kept only while its panel exists;
     * - the "add tab" button sits inside the tablist, which may hold tabs only: it moves
     *   just after the list (its wrapper stays, YASGUI inserts new tabs before it);
     * - the endpoint field and the tab-name fields have no label;
     * - the query editor's scrolling area cannot be reached from the keyboard;
     * - the results table's row-number column has an empty header. */
    var names = french
      ? { endpoint: "Point d'accès SPARQL", tabName: "Nom de l'onglet", query: "Requête SPARQL",
          field: "Réglage", row: "Ligne" }
      : { endpoint: "SPARQL endpoint", tabName: "Tab name", query: "SPARQL query",
          field: "Setting", row: "Row" };
    function repairAccessibility() {
      Array.prototype.forEach.call(host.querySelectorAll("[role='tab']"), function (tab) {
        var panel = tab.getAttribute("aria-controls") || tab.getAttribute("data-controls");
        if (!panel) {
          return;
        }
        tab.setAttribute("data-controls", panel);
        if (document.getElementById(panel)) {
          tab.setAttribute("aria-controls", panel);
        } else {
          tab.removeAttribute("aria-controls");
        }
      });
      var list = host.querySelector(".tabsList");
      var add = list && list.querySelector(".addTab");
      if (add) {
        list.parentNode.insertBefore(add, list.nextSibling);
      }
      Array.prototype.forEach.call(host.querySelectorAll("input, select, textarea"), function (field) {
        if (field.labels && field.labels.length) {
          return;
        }
        if (field.getAttribute("aria-label") || field.getAttribute("aria-labelledby")) {
          return;
        }
        var label = field.classList.contains("autocomplete")
          ? names.endpoint
          : field.closest(".tabsList .tab")
            ? names.tabName
            : field.closest(".CodeMirror")
              ? names.query
              : field.getAttribute("title") || field.getAttribute("placeholder") || names.field;
        field.setAttribute("aria-label", label);
      });
      Array.prototype.forEach.call(host.querySelectorAll(".CodeMirror-scroll"), function (area) {
        area.setAttribute("tabindex", "0");
      });
      Array.prototype.forEach.call(host.querySelectorAll(".yasr thead th"), function (cell) {
        if (!cell.textContent.trim()) {
          var text = document.createElement("span");
          text.className = "visually-hidden";
          text.textContent = names.row;
          cell.appendChild(text);
        }
      });
    }
    /* What YASGUI 4.6 and its CodeMirror draw that HTML does not allow (the Nu checker's
     * errors once the editor is open), made valid without changing what anyone sees:
     * - a tab's link holds its rename field and a focusable close mark (interactive
     *   content inside a link): the field moves just after the link, the mark (hidden
     *   from assistive technology, reached by pointer only) stops being focusable;
     * - buttons wrap their icons in a div (a button holds phrasing content only): a span
     *   with the same classes takes its place;
     * - an icon carries Inkscape's RDF metadata and its namespaces; a list has id="";
     *   the download button is a link with `download` and no href (it downloads by script);
     * - CodeMirror marks its scroll bars with `cm-not-content` (never read: they are
     *   outside the area it takes clicks from) and empty lines with an empty `cm-text`
     *   (read only when not empty). */
    function repairMarkup() {
      Array.prototype.forEach.call(host.querySelectorAll(".tab > a[role='tab']"), function (link) {
        Array.prototype.forEach.call(link.querySelectorAll("input"), function (field) {
          link.parentNode.insertBefore(field, link.nextSibling);
        });
        Array.prototype.forEach.call(link.querySelectorAll("[tabindex]"), function (mark) {
          mark.removeAttribute("tabindex");
        });
      });
      Array.prototype.forEach.call(host.querySelectorAll("button > div"), function (box) {
        var span = document.createElement("span");
        Array.prototype.forEach.call(box.attributes, function (attribute) {
          span.setAttribute(attribute.name, attribute.value);
        });
        while (box.firstChild) {
          span.appendChild(box.firstChild);
        }
        box.parentNode.replaceChild(span, box);
      });
      Array.prototype.forEach.call(host.querySelectorAll("svg metadata"), function (metadata) {
        metadata.parentNode.removeChild(metadata);
      });
      Array.prototype.forEach.call(host.querySelectorAll("svg"), function (icon) {
        ["xmlns:cc", "xmlns:dc", "xmlns:rdf"].forEach(function (name) {
          icon.removeAttribute(name);
        });
      });
      Array.prototype.forEach.call(host.querySelectorAll("[id='']"), function (element) {
        element.removeAttribute("id");
      });
      Array.prototype.forEach.call(host.querySelectorAll("a[download]:not([href])"), function (link) {
        link.removeAttribute("download");
      });
      Array.prototype.forEach.call(host.querySelectorAll("[cm-not-content]"), function (element) {
        element.removeAttribute("cm-not-content");
      });
      Array.prototype.forEach.call(host.querySelectorAll("[cm-text='']"), function (element) {
        element.removeAttribute("cm-text");
      });
    }
    function repair() {
      repairMarkup();
      repairAccessibility();
    }
    repair();
    /* Observer callbacks run before the browser does anything else (a microtask), so
     * no one ever sees YASGUI's markup unrepaired; the repair is idempotent. */
    new MutationObserver(repair).observe(host, { childList: true, subtree: true });

    /* The answer the plain form got (if this page is one) gives way to the editor's. */
    var plainResults = document.getElementById("plain-results");
    if (plainResults) {
      yasgui.on("query", function () {
        plainResults.hidden = true;
      });
    }

    takeOver = openExample;
    if (hadFocus) { // typing goes on where it was, in the editor
      var yasqe = yasgui.getTab().getYasqe();
      var caret = textarea.selectionStart;
      yasqe.focus();
      if (document.activeElement !== textarea && typeof caret === "number") {
        yasqe.setCursor(yasqe.posFromIndex(caret));
      }
    }
    window.ctcKgYasgui = yasgui;
  }
})();
