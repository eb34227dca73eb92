/* The SPARQL editor: YASGUI against this server's endpoint, one tab per example query.
 * Every YASGUI feature that would reach another host is off: no endpoint catalogue beyond
 * ours, no prefix.cc lookup, no LOV term autocompletion, no URL shortener, no CORS proxy;
 * and tabs are not persisted, so the example tabs always match this server's queries. */
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var configEl = document.getElementById("yasgui-config");
  if (!host || !configEl || typeof window.Yasgui === "undefined") {
    return;
  }
  var config = JSON.parse(configEl.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var request = { endpoint: endpoint, method: "POST" };

  var yasgui = new window.Yasgui(host, {
    requestConfig: request,
    copyEndpointOnNewTab: true,
    corsProxy: undefined,
    persistenceId: null,
    populateFromUrl: true,
    autofocus: false,
    tabName: config.tabName,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: []
    },
    yasqe: {
      value: config.defaultQuery,
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

  config.examples.forEach(function (example) {
    yasgui.addTab(
      false,
      {
        name: example.title,
        yasqe: { value: example.text },
        requestConfig: request
      },
      { avoidDuplicateTabs: true }
    );
  });

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
  window.ctcKgYasgui = yasgui;
})();
