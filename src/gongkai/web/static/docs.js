// Starts Swagger UI (served from our own vendor folder) on the OpenAPI description.
(function () {
  var el = document.getElementById("swagger-ui");
  if (!el || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({ url: el.dataset.url, dom_id: "#swagger-ui", deepLinking: true, docExpansion: "list" });
})();
