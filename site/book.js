// The book's only script of its own: typesets the math Markdig marked (<span class="math">\(…\)</span>,
// <div class="math">\[…\]</div>) with KaTeX, and highlights the C# code with highlight.js. Both run offline from assets/.
(function () {
  document.querySelectorAll('.math').forEach(function (element) {
    var display = element.tagName === 'DIV';
    var tex = element.textContent.trim().replace(/^\\[(\[]/, '').replace(/\\[)\]]$/, '');
    katex.render(tex, element, { displayMode: display, throwOnError: false });
  });
  hljs.highlightAll();
})();
