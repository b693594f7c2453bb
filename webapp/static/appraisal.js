// The officers' task page: each PDF paper (.pdf-pages[data-pdf]) is drawn page by page into
// canvases by pdf.js, shipped as files under vendor/pdfjs (no CDN, no eval, its worker a
// file: the page's Content-Security-Policy allows nothing else). Images are plain <img>;
// every file keeps its download link, which is also what a browser without script uses.
import * as pdfjs from "./vendor/pdfjs/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc =
  new URL("./vendor/pdfjs/pdf.worker.min.mjs", import.meta.url).href;

const MAX_PAGES = 30;  // a longer file shows its first pages and says so

async function drawPage(pdf, number, box) {
  const page = await pdf.getPage(number);
  const natural = page.getViewport({ scale: 1 });
  const width = Math.max(box.clientWidth, 240);
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: (width / natural.width) * ratio });
  const canvas = document.createElement("canvas");
  canvas.className = "pdf-page";
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label",
    box.dataset.label + " — trang " + number + "/" + pdf.numPages);
  box.appendChild(canvas);
  await page.render({ canvasContext: canvas.getContext("2d"), viewport: viewport }).promise;
}

async function draw(box) {
  const status = box.querySelector(".pdf-status");
  try {
    const pdf = await pdfjs.getDocument({
      url: box.dataset.pdf, isEvalSupported: false, withCredentials: true,
    }).promise;
    const count = Math.min(pdf.numPages, MAX_PAGES);
    for (let number = 1; number <= count; number += 1) {
      await drawPage(pdf, number, box);
    }
    status.textContent = pdf.numPages > count
      ? "Hiển thị " + count + "/" + pdf.numPages + " trang; tải tệp về để xem đủ."
      : pdf.numPages + " trang.";
    box.dataset.drawn = String(count);
  } catch (error) {
    status.textContent = "Không hiển thị được tệp PDF này; hãy tải tệp về.";
    box.dataset.drawn = "0";
  }
}

(async function () {
  for (const box of document.querySelectorAll(".pdf-pages[data-pdf]")) {
    await draw(box);  // one at a time: a dossier may hold many drawings
  }
})();
