// backstride: small progressive enhancement. Every page works without this file.
(function () {
  "use strict";
  // Show each slider's value as it moves.
  document.querySelectorAll('input[type="range"][data-output]').forEach(function (input) {
    var out = document.getElementById(input.dataset.output);
    var show = function () { if (out) { out.value = input.value; } };
    input.addEventListener("input", show);
    show();
  });

  function poll(url, bar, text, done) {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.value = job.percent;
        if (job.state === "running") {
          text.textContent = "Importing " + job.files + " file(s)… " + job.percent + "% " + (job.current || "");
          setTimeout(function () { poll(url, bar, text, done); }, 500);
        } else {
          done(job);
        }
      })
      .catch(function () { setTimeout(function () { poll(url, bar, text, done); }, 1000); });
  }

  // The import status page: poll instead of reloading, then reload once to show the report.
  var job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    poll("/api/import/" + job.dataset.job, document.getElementById("import-bar"),
      document.getElementById("import-text"), function () { window.location.reload(); });
  }

  // The upload form: send in the background with an upload progress bar, then follow the job.
  var form = document.getElementById("import-form");
  if (form && window.XMLHttpRequest && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("import-progress");
      var bar = document.getElementById("import-bar");
      var text = document.getElementById("import-text");
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          text.textContent = "Uploading… " + bar.value + "%";
        }
      };
      xhr.onload = function () {
        if (xhr.status !== 202) { text.textContent = "Upload refused: " + xhr.responseText; return; }
        var reply = JSON.parse(xhr.responseText);
        bar.value = 0;
        poll(reply.status, bar, text, function () { window.location.href = "/training/import/" + reply.job; });
      };
      xhr.onerror = function () { text.textContent = "Upload failed: is backstride still running?"; };
      xhr.send(new FormData(form));
    });
  }

  // The form check: poll the job, showing the server's own words, then reload for the result.
  function pollForm(url, bar, text, done) {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.percent; }
        text.textContent = job.message;
        if (job.state === "running" || job.state === "waiting") {
          setTimeout(function () { pollForm(url, bar, text, done); }, 500);
        } else {
          done(job);
        }
      })
      .catch(function () { setTimeout(function () { pollForm(url, bar, text, done); }, 1000); });
  }
  var formJob = document.getElementById("form-job");
  if (formJob && (formJob.dataset.state === "running" || formJob.dataset.state === "waiting")) {
    pollForm("/api/form/" + formJob.dataset.job, document.getElementById("form-bar"),
      document.getElementById("form-text"), function () { window.location.reload(); });
  }
  var formUpload = document.getElementById("form-upload");
  if (formUpload && window.XMLHttpRequest && window.FormData) {
    formUpload.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("form-upload-progress");
      var bar = document.getElementById("form-upload-bar");
      var text = document.getElementById("form-upload-text");
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", formUpload.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          text.textContent = "Uploading… " + bar.value + "%";
        }
      };
      xhr.onload = function () {
        if (xhr.status !== 202) { text.textContent = "Upload refused: " + xhr.responseText; return; }
        window.location.href = "/form/jobs/" + JSON.parse(xhr.responseText).job;
      };
      xhr.onerror = function () { text.textContent = "Upload failed: is backstride still running?"; };
      xhr.send(new FormData(formUpload));
    });
  }
})();
