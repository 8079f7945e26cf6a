#include "runtime/admin/status_page.hpp"

#include <cmath>
#include <cstdio>

namespace courier::admin {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the valid UTF-8 sequence at text[i], or 0 when there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (lead < 0x80)
    return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size())
    return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return length;
}

// At most `max` bytes of `text`, cut before a UTF-8 continuation byte, with "…" when cut.
std::string clip(std::string_view text, std::size_t max) {
  if (text.size() <= max)
    return std::string{text};
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return std::string{text.substr(0, end)} + "\xE2\x80\xA6";
}

std::string esc(std::string_view text, std::size_t max = 400) {
  return html_escape(clip(text, max));
}

std::string duration(double seconds) {
  char buf[48];
  if (!std::isfinite(seconds) || seconds < 0)
    seconds = 0;
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 3600)
    std::snprintf(buf, sizeof buf, "%d m %02d s", static_cast<int>(seconds / 60),
                  static_cast<int>(seconds) % 60);
  else if (seconds < 86400)
    std::snprintf(buf, sizeof buf, "%d h %02d m", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%d d %02d h", static_cast<int>(seconds / 86400),
                  static_cast<int>(seconds / 3600) % 24);
  return buf;
}

// 1234567 as "1,234,567".
std::string count(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string hook_cell(std::int64_t id, std::string_view url) {
  return "<td class=\"num\">" + std::to_string(id) + "</td><td class=\"url\">" + esc(url, 200) +
         "</td>";
}

std::string badge(std::string_view state) {
  const auto text = esc(state, 40);
  return "<span class=\"badge " + text + "\">" + text + "</span>";
}

constexpr std::string_view style = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f4f5f7}
header{background:#1d232a;color:#fff;padding:12px 24px}
header h1{margin:0;font-size:20px}
header p{margin:2px 0 0;color:#b9c0c8;font-size:12px}
main{padding:8px 24px 24px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(560px,1fr))}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px 16px 12px}
h2{font-size:16px;margin:6px 0 8px}
p.summary{margin:0 0 8px;color:#4a535e}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef1;vertical-align:top}
th{font-size:12px;color:#5f6b77;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.when{white-space:nowrap;font-variant-numeric:tabular-nums}
td.url{word-break:break-all}
td.error{font-family:ui-monospace,monospace;font-size:12px;word-break:break-word;color:#8a1c1c}
p.none{color:#5f6b77;margin:4px 0}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#e4e7eb}
.badge.live,.badge.active{background:#d3f2dc;color:#14532d}
.badge.stale,.badge.stopping,.badge.paused{background:#fdefc8;color:#713f12}
.badge.dead,.badge.disabled,.badge.quarantined{background:#fbd5d5;color:#7f1d1d}
)";

std::string head(std::string_view title, bool refresh) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  if (refresh)
    out +=
        "<meta http-equiv=\"refresh\" content=\"" + std::to_string(status_page_refresh_s) + "\">";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out +=
      "<title>" + std::string{title} + "</title><style>" + std::string{style} + "</style></head>\n";
  return out;
}

std::string cluster_section(const status_snapshot& s) {
  std::string out = "<section id=\"cluster\"><h2>Cluster</h2><p class=\"summary\">" +
                    std::to_string(s.nodes.size()) + " nodes · " +
                    std::to_string(s.partitions_leased) + " of " + std::to_string(s.partitions) +
                    " partitions held · " + count(s.hooks) + " hooks (" + count(s.paused) +
                    " paused, " + count(s.quarantined) + " quarantined, " + count(s.disabled) +
                    " disabled)</p>";
  if (s.nodes.empty())
    return out + "<p class=\"none\">No node has registered.</p></section>\n";
  out += "<table><thead><tr><th>node</th><th>state</th><th>partitions held</th><th>last "
         "heartbeat</th><th>age</th></tr></thead><tbody>";
  for (const auto& n : s.nodes)
    out += "<tr><td>" + esc(n.node_id, 120) + "</td><td>" + badge(n.state) +
           "</td><td class=\"num\">" + std::to_string(n.partitions_held) +
           "</td><td class=\"when\">" + esc(n.last_heartbeat, 40) + "</td><td class=\"num\">" +
           duration(n.heartbeat_age_s) + "</td></tr>";
  return out + "</tbody></table></section>\n";
}

std::string lagging_section(const status_snapshot& s) {
  std::string out = "<section id=\"lagging\"><h2>Largest lag</h2>";
  if (s.lagging.empty())
    return out + "<p class=\"none\">No hook has a backlog.</p></section>\n";
  out += "<table><thead><tr><th>hook</th><th>url</th><th>state</th><th>backlog</th><th>oldest "
         "undelivered</th><th>owner</th></tr></thead><tbody>";
  for (const auto& h : s.lagging)
    out += "<tr>" + hook_cell(h.hook_id, h.url) + "<td>" + badge(h.state) +
           "</td><td class=\"num\">" + count(h.backlog) + "</td><td class=\"num\">" +
           duration(h.oldest_undelivered_s) + "</td><td>" +
           (h.owner_node.empty() ? std::string{"—"} : esc(h.owner_node, 120)) + "</td></tr>";
  return out + "</tbody></table></section>\n";
}

std::string held_section(const status_snapshot& s) {
  std::string out = "<section id=\"held\"><h2>Paused, quarantined and disabled hooks</h2>";
  if (s.held.empty())
    return out + "<p class=\"none\">Every hook is active.</p></section>\n";
  const auto total = s.paused + s.quarantined + s.disabled;
  if (total > static_cast<std::int64_t>(s.held.size()))
    out += "<p class=\"summary\">The " + std::to_string(s.held.size()) + " most recent of " +
           count(total) + ".</p>";
  out += "<table><thead><tr><th>hook</th><th>url</th><th>state</th><th>since / "
         "until</th><th>reason</th></tr></thead><tbody>";
  for (const auto& h : s.held)
    out += "<tr>" + hook_cell(h.hook_id, h.url) + "<td>" + badge(h.state) +
           "</td><td class=\"when\">" + esc(h.since, 40) + "</td><td class=\"error\">" +
           esc(h.reason) + "</td></tr>";
  return out + "</tbody></table></section>\n";
}

std::string dead_section(const status_snapshot& s) {
  std::string out = "<section id=\"dead\"><h2>Dead letters</h2><p class=\"summary\">" +
                    count(s.dead_parked) + (s.dead_parked_capped ? "+" : "") +
                    " parked dead letters" +
                    (s.dead_parked_capped ? " (counted up to this many; per hook among the most "
                                            "recent)"
                                          : "") +
                    "</p>";
  if (s.dead_by_hook.empty())
    return out + "</section>\n";
  out += "<table><thead><tr><th>hook</th><th>url</th><th>parked</th></tr></thead><tbody>";
  for (const auto& d : s.dead_by_hook)
    out += "<tr>" + hook_cell(d.hook_id, d.url) + "<td class=\"num\">" + count(d.parked) +
           "</td></tr>";
  return out + "</tbody></table></section>\n";
}

std::string failures_section(const status_snapshot& s) {
  std::string out = "<section id=\"failures\"><h2>Recent failures</h2>";
  if (s.failures.empty())
    return out + "<p class=\"none\">No failed attempt in the attempt log.</p></section>\n";
  out += "<table><thead><tr><th>hook</th><th>url</th><th>when</th><th>seq</th><th>attempt</th>"
         "<th>answer</th></tr></thead><tbody>";
  for (const auto& f : s.failures)
    out += "<tr>" + hook_cell(f.hook_id, f.url) + "<td class=\"when\">" + esc(f.at, 40) +
           "</td><td class=\"num\">" + std::to_string(f.seq) + "</td><td class=\"num\">" +
           std::to_string(f.attempt) + "</td><td class=\"error\">" + esc(f.error) + "</td></tr>";
  return out + "</tbody></table></section>\n";
}

} // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    case '\t':
    case '\n':
      out += static_cast<char>(c);
      break;
    default:
      if (c < 0x20 || c == 0x7F) {
        out += replacement;
        break;
      }
      const auto length = utf8_sequence(text, i);
      if (length == 0) {
        out += replacement;
        break;
      }
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    ++i;
  }
  return out;
}

std::string render_status_page(const status_snapshot& s) {
  std::string out = head("Courier status", true);
  out += "<body><header><h1>Courier status</h1><p>Read at " + esc(s.read_at, 40) + " by node " +
         esc(s.answered_by, 120) + " · reloads every " + std::to_string(status_page_refresh_s) +
         " s</p></header>\n<main>\n";
  out += cluster_section(s);
  out += lagging_section(s);
  out += held_section(s);
  out += dead_section(s);
  out += failures_section(s);
  return out + "</main></body></html>\n";
}

std::string render_login_page(bool wrong_token) {
  std::string out = head("Courier status: sign in", false);
  out += "<body><header><h1>Courier status</h1><p>This node has an admin token.</p></header>\n"
         "<main><section id=\"login\"><h2>Admin token</h2>";
  if (wrong_token)
    out += "<p class=\"summary\">That token is not right.</p>";
  out += "<form method=\"get\" action=\"/\"><input type=\"password\" name=\"token\" "
         "autocomplete=\"current-password\" autofocus required> <button "
         "type=\"submit\">Open</button></form></section></main></body></html>\n";
  return out;
}

} // namespace courier::admin
