// The API documentation page: Swagger UI (served by the service itself) over its own OpenAPI document.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: document.body.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true });
});
