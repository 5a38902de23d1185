import Foundation
import Testing

@testable import GlossReport

/// The renderer's building blocks: escaping, number formats, colours, charts.
struct ChartsTests {
  @Test func escapesEverythingHTMLGivesMeaningTo() {
    #expect(HTML.escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
    // Control characters are parse errors in HTML: replaced, never copied.
    #expect(HTML.escape("a\u{0}b\u{7}c\u{FFFF}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
    #expect(HTML.escape("line\nnext\ttab") == "line\nnext\ttab")
  }

  @Test func figuresHaveThreeDecimalsAndUndefinedIsNA() {
    #expect(HTML.figure(nil) == "n/a")
    #expect(HTML.figure(.nan) == "n/a")
    #expect(HTML.figure(.infinity) == "n/a")
    #expect(HTML.figure(0.81249) == "0.812")
    #expect(HTML.figure(-0.0001) == "0.000")
    #expect(HTML.figure(1) == "1.000")
  }

  @Test func colourScaleGetsLighterAsValuesRise() {
    func luminance(_ hex: String) -> Double {
      let digits = Array(hex.dropFirst())
      func channel(_ index: Int) -> Double {
        Double(Int(String(digits[index..<index + 2]), radix: 16) ?? 0) / 255
      }
      return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }
    let values = stride(from: 0.0, through: 1.0, by: 0.05).map { luminance(Charts.color($0)) }
    // Monotonic lightness is what keeps the scale readable in grayscale.
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
    #expect(Charts.color(-0.5) == Charts.color(0))
    #expect(Charts.color(.nan) == Charts.color(0))
    #expect(Charts.color(2) == "#fde725")
  }

  @Test func lineChartBreaksAtUndefinedValuesAndMarksPoints() {
    let points = [0.5, nil, 0.7, 0.9].enumerated().map { index, value in
      Charts.LinePoint(value: value, axisLabel: "2024-01-0\(index + 1)", title: "t\(index)", hook: "")
    }
    let svg = Charts.lineChart(points, width: 300, height: 150, label: "test")
    // Two runs: one M for the first point alone, one for the last two.
    let path = svg.components(separatedBy: "d=\"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
    #expect(path.filter { $0 == "M" }.count == 2)
    #expect(path.filter { $0 == "L" }.count == 1)
    #expect(svg.components(separatedBy: "<circle class=\"marker\"").count - 1 == 3)
    #expect(svg.components(separatedBy: "<circle class=\"marker na\"").count - 1 == 1)
    #expect(svg.contains("2024-01-01") && svg.contains("2024-01-04"))
    #expect(!svg.contains("NaN") && !svg.contains("nan"))
  }

  @Test func longHistoriesDrawTheLineWithoutMarkers() {
    let points = (0..<(Charts.markerLimit + 1)).map { index in
      Charts.LinePoint(value: Double(index) / 200, axisLabel: "2024-01-01", title: "", hook: " data-x=\"1\"")
    }
    let svg = Charts.lineChart(points, width: 600, height: 200, label: "Alpha")
    #expect(!svg.contains("<circle"))
    #expect(svg.contains("<title>Alpha: 101 commits, last 0.500</title>"))
    let short = Charts.lineChart(Array(points.prefix(Charts.markerLimit)), width: 600, height: 200, label: "Alpha")
    #expect(short.components(separatedBy: "<circle").count - 1 == Charts.markerLimit)
  }

  @Test func lineChartWithoutValuesSaysSo() {
    let points = [Charts.LinePoint(value: nil, axisLabel: "2024-01-01", title: "", hook: "")]
    #expect(Charts.lineChart(points, width: 300, height: 150, label: "x").contains("n/a at every commit"))
  }

  @Test func heatmapPrintsValuesAndHatchesUndefinedCells() {
    let name = String(repeating: "a very long code name ", count: 5)
    let svg = Charts.heatmap(
      rows: [name, "short"], columns: ["ana–ben"],
      cells: [
        [Charts.HeatCell(value: 0.5, hook: "", title: "")], [Charts.HeatCell(value: nil, hook: "", title: "")],
      ], label: "k")
    #expect(svg.contains(">0.500</text>"))
    #expect(svg.contains(">n/a</text>"))
    #expect(svg.contains("url(#gloss-na-hatch)"))
    // The long name is cut on screen and kept whole in a tooltip.
    #expect(svg.contains("<title>\(name)</title>"))
    #expect(svg.contains("…"))
  }

  @Test func barsScaleToTheLargestCount() {
    let svg = Charts.barChart(
      [
        Charts.BarGroup(
          label: "code",
          bars: [
            Charts.Bar(label: "ana", value: 10, color: "#000000", hook: ""),
            Charts.Bar(label: "ben", value: 5, color: "#000000", hook: ""),
          ])
      ], label: "bars")
    #expect(svg.contains("width=\"380.0\""))
    #expect(svg.contains("width=\"190.0\""))
    #expect(svg.contains(">ana</text>") && svg.contains(">10</text>"))
    // The count axis: ticks 0, 2, ..., 10.
    #expect(svg.contains(">0</text>") && svg.contains(">2</text>") && svg.contains(">8</text>"))
  }

  @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    #expect(Charts.niceStep(0.2) == 1)
    #expect(Charts.niceStep(1.5) == 2)
    #expect(Charts.niceStep(3) == 5)
    #expect(Charts.niceStep(7) == 10)
    #expect(Charts.niceStep(23) == 50)
    #expect(Charts.niceStep(180) == 200)
  }
}
