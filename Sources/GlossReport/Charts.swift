import Foundation

/// The report's own small SVG charts (no dependency, no script): a line chart, grouped
/// horizontal bars and a heatmap. Text is drawn as SVG text so it scales and prints;
/// long labels are cut with the full text in a `<title>` (a tooltip, and what screen
/// readers say). Colours come from viridis, whose lightness rises monotonically, so the
/// scale reads in grayscale and for colour-blind readers; every cell also prints its value.
enum Charts {
  // MARK: Colour

  /// Viridis at nine evenly spaced stops (matplotlib's values).
  private static let viridis: [(Double, Double, Double)] = [
    (0x44, 0x01, 0x54), (0x47, 0x2d, 0x7b), (0x3b, 0x52, 0x8b), (0x2c, 0x72, 0x8e), (0x21, 0x91, 0x8c),
    (0x28, 0xae, 0x80), (0x5e, 0xc9, 0x62), (0xad, 0xdc, 0x30), (0xfd, 0xe7, 0x25),
  ]

  /// The colour of `t` in [0, 1] (clamped) on the viridis scale, as `#rrggbb`.
  static func color(_ t: Double) -> String {
    let clamped = t.isFinite ? min(max(t, 0), 1) : 0
    let position = clamped * Double(viridis.count - 1)
    let index = min(Int(position), viridis.count - 2)
    let fraction = position - Double(index)
    let (r0, g0, b0) = viridis[index]
    let (r1, g1, b1) = viridis[index + 1]
    func channel(_ a: Double, _ b: Double) -> String {
      let value = Int((a + (b - a) * fraction).rounded())
      let hex = String(value, radix: 16)
      return hex.count == 1 ? "0" + hex : hex
    }
    return "#" + channel(r0, r1) + channel(g0, g1) + channel(b0, b1)
  }

  /// Text colour readable on `color(t)`: white on the dark half, black on the light half.
  static func textColor(_ t: Double) -> String { t < 0.5 ? "#ffffff" : "#000000" }

  /// Okabe–Ito colours, distinguishable with every common colour vision deficiency; bars
  /// are labelled with the coder's name too, so colour is never the only cue.
  static let categorical = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
  ]

  // MARK: Building blocks

  private static func f(_ value: Double) -> String { HTML.coordinate(value) }

  /// Text cut to `limit` characters; the full text as a tooltip when cut.
  private static func label(
    _ text: String, limit: Int, x: Double, y: Double, anchor: String = "start", className: String = ""
  ) -> String {
    let shown = HTML.truncate(text, limit)
    let classAttribute = className.isEmpty ? "" : " class=\"\(className)\""
    let body =
      "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\"\(classAttribute)>\(HTML.escape(shown))</text>"
    return shown == text ? body : "<g><title>\(HTML.escape(text))</title>\(body)</g>"
  }

  private static func svgOpen(width: Double, height: Double, label: String, className: String) -> String {
    "<svg class=\"\(className)\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\""
      + " role=\"img\" aria-label=\"\(HTML.escape(label))\">"
  }

  // MARK: Line chart

  /// One point of a line chart: `value` nil is a gap (undefined figure).
  struct LinePoint {
    var value: Double?
    /// The x-axis label at this point (a date).
    var axisLabel: String
    /// Tooltip of the marker.
    var title: String
    /// Data attributes of the marker (see `HTML.hook`).
    var hook: String
  }

  /// Markers (with their tooltips and hooks) are drawn up to this many points; beyond, the
  /// line alone stays readable and the page small.
  static let markerLimit = 100

  /// A line of `points` in commit order on a y axis from min(0, lowest value) to 1, with
  /// dashed and dotted guides at Krippendorff's 0.800 and 0.667.
  static func lineChart(_ points: [LinePoint], width: Double, height: Double, label: String) -> String {
    let left = 48.0
    let right = 14.0
    let top = 8.0
    let bottom = 24.0
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    let values = points.compactMap(\.value).filter(\.isFinite)
    let low = min(0, ((values.min() ?? 0) * 4).rounded(.down) / 4)
    let high = 1.0
    func x(_ index: Int) -> Double {
      points.count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(points.count - 1)
    }
    func y(_ value: Double) -> Double { top + plotHeight * (high - min(max(value, low), high)) / (high - low) }

    var svg = svgOpen(width: width, height: height, label: label, className: "chart line")
    // Y grid and ticks.
    let step = high - low > 1.25 ? 0.5 : 0.25
    var tick = high
    while tick >= low - 1e-9 {
      svg +=
        "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(tick)))\"/>"
      svg +=
        "<text class=\"tick\" x=\"\(f(left - 4))\" y=\"\(f(y(tick) + 3.5))\" text-anchor=\"end\">"
        + "\(String(format: "%.2f", tick))</text>"
      tick -= step
    }
    svg +=
      "<line class=\"guide good\" x1=\"\(f(left))\" y1=\"\(f(y(0.8)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(0.8)))\"/>"
    svg +=
      "<line class=\"guide fair\" x1=\"\(f(left))\" y1=\"\(f(y(0.667)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(0.667)))\"/>"
    svg += "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\"/>"
    svg +=
      "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\"/>"
    // X ticks: evenly spaced commits, labelled with their dates.
    if !points.isEmpty {
      let wanted = points.count == 1 ? 1 : min(points.count, max(2, Int(plotWidth / 90)))
      var indices: [Int] = []
      for k in 0..<wanted {
        let index = wanted == 1 ? 0 : Int((Double(k) * Double(points.count - 1) / Double(wanted - 1)).rounded())
        if indices.last != index { indices.append(index) }
      }
      for index in indices {
        let anchor = points.count == 1 ? "middle" : index == 0 ? "start" : index == points.count - 1 ? "end" : "middle"
        svg +=
          "<line class=\"axis\" x1=\"\(f(x(index)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x(index)))\""
          + " y2=\"\(f(top + plotHeight + 4))\"/>"
        svg +=
          "<text class=\"tick\" x=\"\(f(x(index)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"\(anchor)\">"
          + "\(HTML.escape(points[index].axisLabel))</text>"
      }
    }
    // The line, broken where the figure is undefined.
    var path = ""
    var drawing = false
    for (index, point) in points.enumerated() {
      guard let value = point.value, value.isFinite else {
        drawing = false
        continue
      }
      path += (drawing ? "L" : "M") + "\(f(x(index))) \(f(y(value)))"
      drawing = true
    }
    let markers = points.count <= markerLimit
    if !path.isEmpty {
      // Without markers the line itself says what it covers.
      let title =
        markers
        ? "" : "<title>\(HTML.escape(label)): \(points.count) commits, last \(HTML.figure(values.last))</title>"
      svg += "<path class=\"series\" d=\"\(path)\">\(title)</path>"
    }
    for (index, point) in points.enumerated() {
      guard let value = point.value, value.isFinite else {
        // An undefined figure: a hollow mark on the axis, so the gap is explained.
        if markers {
          svg +=
            "<circle class=\"marker na\" cx=\"\(f(x(index)))\" cy=\"\(f(top + plotHeight))\" r=\"2.5\"\(point.hook)>"
            + "<title>\(HTML.escape(point.title))</title></circle>"
        }
        continue
      }
      let isolated =
        (index == 0 || points[index - 1].value == nil) && (index == points.count - 1 || points[index + 1].value == nil)
      guard markers || isolated else { continue }
      svg +=
        "<circle class=\"marker\" cx=\"\(f(x(index)))\" cy=\"\(f(y(value)))\" r=\"2.5\"\(point.hook)>"
        + "<title>\(HTML.escape(point.title))</title></circle>"
    }
    if values.isEmpty {
      svg +=
        "<text class=\"empty\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight / 2))\""
        + " text-anchor=\"middle\">n/a at every commit</text>"
    }
    return svg + "</svg>"
  }

  // MARK: Bars

  struct Bar {
    var label: String
    var value: Int
    var color: String
    var hook: String
  }

  struct BarGroup {
    var label: String
    var bars: [Bar]
  }

  /// Horizontal bars in groups (a code, one bar per coder), each bar labelled with its
  /// coder and count, on a shared scale.
  static func barChart(_ groups: [BarGroup], label: String) -> String {
    let labelWidth = 230.0
    let barLabelWidth = 100.0
    let barMax = 380.0
    let row = 16.0
    let gap = 10.0
    let width = labelWidth + barLabelWidth + barMax + 60
    let rows = groups.reduce(0) { $0 + max(1, $1.bars.count) }
    let plotHeight = Double(rows) * row + Double(groups.count) * gap
    let axis = 22.0
    let height = plotHeight + axis + 4
    let step = niceStep(Double(max(1, groups.flatMap(\.bars).map(\.value).max() ?? 1)) / 5)
    let top = Double(Int((Double(max(1, groups.flatMap(\.bars).map(\.value).max() ?? 1)) / step).rounded(.up))) * step
    let largest = max(1, top)
    var svg = svgOpen(width: width, height: height, label: label, className: "chart bars")
    // Count axis: vertical grid lines behind the bars, tick labels below.
    let base = labelWidth + barLabelWidth
    var tick = 0.0
    while tick <= largest + 1e-9 {
      let x = base + barMax * tick / largest
      svg += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"0.0\" x2=\"\(f(x))\" y2=\"\(f(plotHeight))\"/>"
      svg +=
        "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(plotHeight + 14))\" text-anchor=\"middle\">"
        + "\(Int(tick))</text>"
      tick += step
    }
    svg +=
      "<line class=\"axis\" x1=\"\(f(base))\" y1=\"\(f(plotHeight))\" x2=\"\(f(base + barMax))\" y2=\"\(f(plotHeight))\"/>"
    var y = 2.0
    for group in groups {
      svg += Self.label(group.label, limit: 34, x: 0, y: y + 12, className: "group")
      for bar in group.bars {
        let length = barMax * Double(bar.value) / Double(largest)
        svg += Self.label(bar.label, limit: 14, x: labelWidth, y: y + 12, className: "tick")
        svg +=
          "<rect x=\"\(f(labelWidth + barLabelWidth))\" y=\"\(f(y + 2))\" width=\"\(f(length))\" height=\"\(f(row - 4))\""
          + " fill=\"\(bar.color)\"/>"
        svg +=
          "<text class=\"value\" x=\"\(f(labelWidth + barLabelWidth + length + 4))\" y=\"\(f(y + 12))\"\(bar.hook)>"
          + "\(bar.value)</text>"
        y += row
      }
      if group.bars.isEmpty { y += row }
      y += gap
    }
    return svg + "</svg>"
  }

  /// A step of 1, 2 or 5 times a power of ten, at least 1 (counts are whole numbers).
  static func niceStep(_ rough: Double) -> Double {
    guard rough > 1 else { return 1 }
    let power = pow(10, (log10(rough)).rounded(.down))
    for factor in [1.0, 2, 5, 10] where factor * power >= rough { return factor * power }
    return 10 * power
  }

  // MARK: Heatmap

  struct HeatCell {
    var value: Double?
    var hook: String
    var title: String
  }

  /// A grid of figures in [0, 1] (rows × columns) on the viridis scale, each cell printing
  /// its value; undefined cells are hatched and say `n/a`, so they never read as a colour.
  /// A legend follows the grid.
  static func heatmap(rows: [String], columns: [String], cells: [[HeatCell]], label: String) -> String {
    let labelWidth = 240.0
    let cellWidth = 92.0
    let cellHeight = 24.0
    let header = 40.0
    let legendHeight = 58.0
    let gridWidth = cellWidth * Double(columns.count)
    let width = max(labelWidth + gridWidth + 10, labelWidth + 470)
    let height = header + cellHeight * Double(rows.count) + legendHeight
    var svg = svgOpen(width: width, height: height, label: label, className: "chart heatmap")
    svg +=
      "<defs><pattern id=\"gloss-na-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
      + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
      + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b0b0b0\" stroke-width=\"2\"/></pattern></defs>"
    for (index, column) in columns.enumerated() {
      svg += Self.label(
        column, limit: 13, x: labelWidth + cellWidth * (Double(index) + 0.5), y: header - 10, anchor: "middle",
        className: "head")
    }
    for (rowIndex, rowLabel) in rows.enumerated() {
      let top = header + cellHeight * Double(rowIndex)
      svg += Self.label(rowLabel, limit: 34, x: labelWidth - 8, y: top + 16, anchor: "end")
      for (columnIndex, cell) in cells[rowIndex].enumerated() {
        let left = labelWidth + cellWidth * Double(columnIndex)
        let text = HTML.figure(cell.value)
        var fill = "url(#gloss-na-hatch)"
        var ink = "#333333"
        if let value = cell.value, value.isFinite {
          fill = color(value)
          ink = textColor(value)
        }
        svg +=
          "<g><title>\(HTML.escape(cell.title))</title>"
          + "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(cellWidth - 2))\" height=\"\(f(cellHeight - 2))\" fill=\"\(fill)\"/>"
          + "<text x=\"\(f(left + cellWidth / 2 - 1))\" y=\"\(f(top + 16))\" text-anchor=\"middle\" fill=\"\(ink)\"\(cell.hook)>"
          + "\(text)</text></g>"
      }
    }
    // Legend: ten steps of 0.1 and the n/a swatch.
    let legendTop = header + cellHeight * Double(rows.count) + 14
    svg +=
      "<text class=\"tick\" x=\"\(f(labelWidth - 8))\" y=\"\(f(legendTop + 12))\" text-anchor=\"end\">"
      + "Cohen's kappa (below 0 drawn as 0)</text>"
    for step in 0..<10 {
      let value = (Double(step) + 0.5) / 10
      svg +=
        "<rect x=\"\(f(labelWidth + Double(step) * 30))\" y=\"\(f(legendTop))\" width=\"30\" height=\"16\""
        + " fill=\"\(color(value))\"/>"
    }
    for step in stride(from: 0, through: 10, by: 2) {
      svg +=
        "<text class=\"tick\" x=\"\(f(labelWidth + Double(step) * 30))\" y=\"\(f(legendTop + 30))\""
        + " text-anchor=\"middle\">\(String(format: "%.1f", Double(step) / 10))</text>"
    }
    let naLeft = labelWidth + 320
    svg +=
      "<rect x=\"\(f(naLeft))\" y=\"\(f(legendTop))\" width=\"30\" height=\"16\" fill=\"url(#gloss-na-hatch)\""
      + " stroke=\"#b0b0b0\"/>"
    svg += "<text class=\"tick\" x=\"\(f(naLeft + 36))\" y=\"\(f(legendTop + 12))\">n/a: undefined</text>"
    return svg + "</svg>"
  }
}
