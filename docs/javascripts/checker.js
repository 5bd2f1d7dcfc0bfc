// Loads the script of the page "Check your derivation" on that page only (Material's instant
// navigation swaps page bodies without running their scripts, so this loader, on every page,
// looks for the checker's element each time a page is shown). Nothing else is loaded here.
document$.subscribe(() => {
  const root = document.querySelector("[data-dn-checker][data-dn-script]");
  if (root && !root.dataset.dnLoaded) {
    root.dataset.dnLoaded = "";
    import(new URL(root.getAttribute("data-dn-script"), location.href).href);
  }
});
