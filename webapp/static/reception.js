// A step's decisions confirmed in place (webapp/reception.py, webapp/step_confirm.py). Without this
// script a decision posted without `xac_nhan=1` answers with a confirmation page; with it,
// the same page is fetched and its summary and confirmation form are shown in a dialog on
// the task page, so «Quay lại sửa» only closes the dialog and nothing typed is lost. Any
// other answer (a form to correct, a refusal) is left to the ordinary post. Forms marked
// `data-confirm-step` (steps after reception) ask for the page with `xem_truoc=1`; without
// the script they complete the step at once.
const dialog = document.getElementById("reception-dialog");
let returnTo = null;  // the button that asked: focus goes back to it when the dialog closes

function close() {
  dialog.close();
}

function show(page) {
  const heading = document.createElement("h2");
  heading.id = "reception-dialog-title";
  heading.textContent = page.querySelector("h1").textContent;
  const form = page.getElementById("confirm-decision");
  const back = form.querySelector("button[name=quay_lai]");
  back.type = "button";
  back.removeAttribute("name");
  back.removeAttribute("formaction");
  back.addEventListener("click", close);
  dialog.replaceChildren(heading, page.getElementById("what-happens"), form);
  dialog.showModal();
  form.querySelector("button[type=submit]").focus();
}

// While the confirmation is on its way the form takes no more input and no second click:
// the dialog shows and confirms exactly what was sent.
async function ask(form) {
  returnTo = document.activeElement;
  form.inert = true;
  form.setAttribute("aria-busy", "true");
  try {
    await askNow(form);
  } finally {
    form.inert = false;
    form.removeAttribute("aria-busy");
  }
}

async function askNow(form) {
  const body = new FormData(form);
  if ("confirmStep" in form.dataset) {
    body.append("xem_truoc", "1");  // any other step: the server says it only when asked
  }
  let answer;
  try {
    answer = await fetch(form.action, {method: "POST", body, credentials: "same-origin"});
  } catch {
    form.submit();  // the ordinary post: the confirmation page
    return;
  }
  const page = new DOMParser().parseFromString(await answer.text(), "text/html");
  if (answer.redirected) {
    window.location.assign(answer.url);
  } else if (answer.ok && page.getElementById("confirm-decision")) {
    show(page);
  } else {
    form.submit();  // the page names what to correct
  }
}

if (dialog && typeof dialog.showModal === "function") {
  dialog.addEventListener("close", () => {
    if (returnTo && returnTo.isConnected) {
      returnTo.focus();
    }
  });
  for (const form of document.querySelectorAll("form[data-confirm-reception]")) {
    form.addEventListener("submit", (event) => {
      if (event.submitter && event.submitter.name) {
        return;  // a row button of the step's form (add, remove) is no decision
      }
      event.preventDefault();
      if (!form.inert) {
        ask(form);
      }
    });
  }
}
