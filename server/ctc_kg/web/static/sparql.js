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
  window.ctcKgYasgui = yasgui;
})();
