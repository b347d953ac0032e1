// Licensing Manager: the Copy button beside a shortened identifier. Where the clipboard cannot be written, the whole value is
// shown and selected instead, so Ctrl+C copies it.
document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var value = button.getAttribute("data-copy") || "";
    var code = button.previousElementSibling;
    function done(text) { button.textContent = text; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
    function reveal() {
        if (code) {
            code.textContent = value;
            var range = document.createRange();
            range.selectNodeContents(code);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }
        done("Selected");
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(value).then(function () { done("Copied"); }, reveal);
    else reveal();
});

// A result the page wants read first (Install Licenses' Completed page): focus moves to it when the page loads.
(function () {
    function focusResult() {
        var target = document.querySelector("[data-focus]");
        if (target && document.activeElement !== target) target.focus();
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusResult);
    else focusResult();
})();
