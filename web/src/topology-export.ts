// The topology as a file of its own: the SVG on the page with the page's
// styles written into each element (a saved SVG has no style sheet), at its
// natural size; and the same drawn onto a canvas, as PNG.

const STYLED = ["fill", "stroke", "stroke-width", "stroke-dasharray", "font-family", "font-size", "font-weight", "opacity"] as const;

export interface SvgFile {
  text: string;
  width: number;
  height: number;
}

/** The standalone SVG text of the page's topology drawing. */
export function topologySvg(live: SVGSVGElement): SvgFile {
  const copy = live.cloneNode(true) as SVGSVGElement;
  const from = [live, ...live.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  from.forEach((el, i) => {
    const css = getComputedStyle(el);
    const style = STYLED.map((p) => `${p}:${css.getPropertyValue(p)}`).join(";");
    to[i]!.setAttribute("style", style);
    to[i]!.removeAttribute("class");
  });
  const [, , width, height] = (live.getAttribute("viewBox") ?? "0 0 300 150").split(/\s+/).map(Number) as [number, number, number, number];
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  copy.setAttribute("style", `background:#fff;font-family:${getComputedStyle(live).getPropertyValue("font-family")};font-size:12px`);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`, width, height };
}

/** The SVG drawn on a white canvas, `scale` pixels per unit. */
export async function topologyPng(svg: SvgFile, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.text)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(svg.width * scale);
  canvas.height = Math.ceil(svg.height * scale);
  const g = canvas.getContext("2d")!;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error("the browser could not make the PNG"))), "image/png"));
}
