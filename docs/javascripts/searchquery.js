// A learner types mathematics into the search box: "d/dz (1+e^-z)". The search's query syntax
// (lunr) reads ^ as a boost, ~ as a fuzzy match, : as a field name, + and a leading - as "must"
// and "must not" contain, and a query it cannot parse finds nothing at all. Queries are made
// plain words on their way to the search worker (Material sends them as {type: 2, data}).
(function () {
  "use strict";
  if (!("Worker" in window)) return;
  var post = Worker.prototype.postMessage;
  function plain(query) {
    return query.replace(/[\^~:+*]/g, " ").replace(/(^|\s)-+/g, "$1").replace(/\s+/g, " ").trim();
  }
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === 2 && typeof message.data === "string") {
      var args = Array.prototype.slice.call(arguments);
      args[0] = Object.assign({}, message, {data: plain(message.data)});
      return post.apply(this, args);
    }
    return post.apply(this, arguments);
  };
})();
