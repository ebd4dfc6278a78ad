package review

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteMarkdown prints the report for people: a pull request's comment
// or job summary, or a terminal.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("## progress review\n\n")
	head := "the working tree at `" + short(r.Head.Commit) + "`"
	if r.Head.Dirty {
		head += " with uncommitted changes"
	}
	p("Base `%s` (`%s`) → %s, synthesized as %s.\n\n", r.Base.Ref, short(r.Base.Commit), head, describeScope(r.Scope))

	switch {
	case len(r.Stateful) > 0 && r.Blocked:
		p("> [!CAUTION]\n> **%s would be replaced or removed.** Its data does not move to the new resource. "+
			"`progress review` exits non-zero; `--allow-replace` accepts it.\n>\n", plural(len(r.Stateful), "stateful resource", "stateful resources"))
		for _, s := range r.Stateful {
			p("> - ⛔ `%s` (%s) in %s is **%s** (%s): %s\n", s.LogicalID, s.Type, s.Stack, s.Change, impactWords(s.Impact), describeVariants(s.Variants))
		}
		p("\n")
	case len(r.Stateful) > 0:
		p("> [!WARNING]\n> %s would be replaced or removed, allowed by `--allow-replace`:\n>\n", plural(len(r.Stateful), "stateful resource", "stateful resources"))
		for _, s := range r.Stateful {
			p("> - `%s` (%s) in %s is **%s** (%s): %s\n", s.LogicalID, s.Type, s.Stack, s.Change, impactWords(s.Impact), describeVariants(s.Variants))
		}
		p("\n")
	default:
		p("No stateful resource (%s) is replaced or removed.\n\n", strings.Join(StatefulTypes, ", "))
	}

	p("### Templates\n\n")
	if len(r.Stacks) == 0 {
		p("No template changes (%s compared).\n\n", plural(r.UnchangedStacks, "stack", "stacks"))
	} else {
		p("%s changed, %d unchanged.\n\n", plural(len(r.Stacks), "stack", "stacks"), r.UnchangedStacks)
		p("| Stack | Where | Added | Removed | Modified | Replaced |\n|---|---|--:|--:|--:|--:|\n")
		for _, s := range r.Stacks {
			name := s.Name
			switch s.Status {
			case StackAdded:
				name += " (new stack)"
			case StackRemoved:
				name += " (no longer synthesized)"
			}
			p("| %s | %s | %d | %d | %d | %s |\n", cell(name), cell(describeVariants(s.Variants)), s.Count(Added), s.Count(Removed), s.Count(Modified), replacedCell(s))
		}
		p("\n")
		for _, s := range r.Stacks {
			p("#### %s — %s\n\n", s.Name, describeVariants(s.Variants))
			if s.PermissionsBroadened {
				p("⚠️ This change broadens IAM permissions or security-group rules.\n\n")
			}
			for _, t := range s.Security {
				p("%s:\n\n", t.Title)
				header := slices.Clone(t.Header)
				if len(header) > 0 && header[0] == "" {
					header[0] = "±"
				}
				p("| %s |\n|%s\n", strings.Join(cells(header), " | "), strings.Repeat("---|", len(header)))
				const max = 20
				for i, row := range t.Rows {
					if i == max {
						p("| and %d more |%s\n", len(t.Rows)-max, strings.Repeat(" |", len(header)-1))
						break
					}
					p("| %s |\n", strings.Join(cells(row), " | "))
				}
				p("\n")
			}
			if len(s.Resources) > 0 {
				p("| Change | Logical id | Type | What changes |\n|---|---|---|---|\n")
				for _, res := range s.Resources {
					p("| %s | `%s` | %s | %s |\n", changeCell(s, res), res.LogicalID, cell(res.Type), cell(describeProperties(res.Properties)))
				}
				p("\n")
			}
			if len(s.Other) > 0 {
				var parts []string
				for _, o := range s.Other {
					part := o.Section
					if o.Name != "" {
						part += " `" + o.Name + "`"
					}
					part += " " + o.Change
					if o.Before != "" || o.After != "" {
						part += ": " + orDash(o.Before) + " → " + orDash(o.After)
					}
					parts = append(parts, part)
				}
				p("Outside the resources: %s.\n\n", strings.Join(parts, "; "))
			}
		}
	}

	p("### Cost (USD/month)\n\n")
	if len(r.Cost) == 0 {
		p("No estimate in scope.\n\n")
	} else {
		p("Each revision's own `progress cost --env ENV`, at the env's expected traffic in cdk.json.\n\n")
		p("| Env | Arch | Store | Before | After | Change |\n|---|---|---|--:|--:|--:|\n")
		for _, c := range r.Cost {
			p("| %s | %s | %s | %s | %s | %s |\n", c.Env, c.Arch, c.Store, usd(c.BeforeUSD), usd(c.AfterUSD), change(c))
		}
		p("\n")
		for _, c := range r.Cost {
			if len(c.Items) == 0 && len(c.CannotCarry) == 0 {
				continue
			}
			p("**%s: %s on %s**\n\n", c.Env, c.Arch, c.Store)
			if len(c.Items) > 0 {
				p("| Item | Before | After | Change | Now |\n|---|--:|--:|--:|---|\n")
				for _, it := range c.Items {
					p("| %s: %s | %s | %s | %s | %s |\n", cell(it.Category), cell(it.Name), usd(it.BeforeUSD), usd(it.AfterUSD), delta(it.BeforeUSD, it.AfterUSD), cell(it.Detail))
				}
				p("\n")
			}
			for _, why := range c.CannotCarry {
				p("⚠️ Cannot carry the traffic: %s\n\n", why)
			}
		}
	}

	p("### Findings\n\n")
	p("cdk-nag, cfn-lint, checkov and cfn-guard (Control Tower), by stack, resource and rule. " +
		"*Open* fails `make lint-iac`; *accepted* is suppressed, skipped or excepted by the revision's configuration.\n\n")
	findings := func(title string, list []Finding, was bool) {
		if len(list) == 0 {
			p("**%s:** none.\n\n", title)
			return
		}
		p("**%s (%d)**\n\n", title, len(list))
		if was {
			p("| Tool | Stack | Resource | Rule | Base | Working tree | Where |\n|---|---|---|---|---|---|---|\n")
		} else {
			p("| Tool | Stack | Resource | Rule | Status | Where |\n|---|---|---|---|---|---|\n")
		}
		for _, f := range list {
			rule := "`" + f.Rule + "`"
			if f.Message != "" {
				rule += " " + f.Message
			}
			res := "(template)"
			if f.Resource != "" {
				res = "`" + f.Resource + "`"
			}
			if was {
				p("| %s | %s | %s | %s | %s | %s | %s |\n", f.Tool, f.Stack, cell(res), cell(rule), cell(status(f.WasAccepted)), cell(status(f.Accepted)), cell(describeVariants(f.Variants)))
			} else {
				p("| %s | %s | %s | %s | %s | %s |\n", f.Tool, f.Stack, cell(res), cell(rule), cell(status(f.Accepted)), cell(describeVariants(f.Variants)))
			}
		}
		p("\n")
	}
	findings("New", r.Findings.New, false)
	findings("Removed", r.Findings.Removed, false)
	if len(r.Findings.AcceptanceChanged) > 0 {
		findings("Accepted differently", r.Findings.AcceptanceChanged, true)
	}

	if len(r.Notes) > 0 {
		p("### Notes\n\n")
		for _, n := range r.Notes {
			p("- %s\n", n)
		}
		p("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func describeScope(s Scope) string {
	return fmt.Sprintf("env %s × arch %s × store %s", strings.Join(s.Envs, ", "), s.Arch, strings.Join(s.Stores, ", "))
}

// describeVariants names variants compactly: "dev all on dynamodb,
// postgres; prod all on dynamodb".
func describeVariants(vs []Variant) string {
	var groups []string
	var stores []string
	for i, v := range vs {
		stores = append(stores, v.Store)
		if i == len(vs)-1 || vs[i+1].Env != v.Env || vs[i+1].Arch != v.Arch {
			groups = append(groups, v.Env+" "+v.Arch+" on "+strings.Join(stores, ", "))
			stores = nil
		}
	}
	return strings.Join(groups, "; ")
}

func impactWords(impact string) string {
	switch impact {
	case "WILL_REPLACE":
		return "a new physical resource"
	case "MAY_REPLACE":
		return "may be a new physical resource"
	case "WILL_DESTROY":
		return "deleted"
	case "WILL_ORPHAN":
		return "retained by its DeletionPolicy but no longer managed by the stack"
	}
	return strings.ToLower(strings.ReplaceAll(impact, "_", " "))
}

func replacedCell(s Stack) string {
	n := s.Count(Replaced)
	for _, r := range s.Resources {
		if r.Stateful && (r.Change == Replaced || r.Change == Removed) && s.Status != StackRemoved {
			return fmt.Sprintf("%d ⛔", n)
		}
	}
	return fmt.Sprint(n)
}

func changeCell(s Stack, r Resource) string {
	c := r.Change
	switch {
	case r.Change == Replaced && r.Impact == "MAY_REPLACE":
		c = "may be replaced"
	case r.Change == Removed && r.Impact == "WILL_ORPHAN":
		c = "removed (retained)"
	}
	if r.Stateful && (r.Change == Replaced || r.Change == Removed) && s.Status != StackRemoved {
		return "⛔ **" + c + "** (stateful)"
	}
	return c
}

func describeProperties(ps []Property) string {
	var parts []string
	for _, p := range ps {
		s := p.Name
		if p.Before != "" || p.After != "" {
			s += ": " + orDash(p.Before) + " → " + orDash(p.After)
		}
		switch p.Impact {
		case "WILL_REPLACE":
			s += " (replaces)"
		case "MAY_REPLACE":
			s += " (may replace)"
		}
		parts = append(parts, s)
	}
	const max = 12
	if len(parts) > max {
		parts = append(parts[:max], fmt.Sprintf("and %d more", len(parts)-max))
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return "`" + s + "`"
}

func usd(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *v)
}

func delta(before, after *float64) string {
	if before == nil || after == nil {
		return "–"
	}
	d := *after - *before
	if fmt.Sprintf("%.2f", d) == "0.00" || fmt.Sprintf("%.2f", d) == "-0.00" {
		return "0.00"
	}
	return fmt.Sprintf("%+.2f", d)
}

func change(c Cost) string {
	switch {
	case c.BeforeUSD == nil && c.AfterUSD != nil:
		return "new"
	case c.AfterUSD == nil && c.BeforeUSD != nil:
		return "gone"
	}
	d := delta(c.BeforeUSD, c.AfterUSD)
	if d != "0.00" {
		return "**" + d + "**"
	}
	return d
}

func status(accepted string) string {
	if accepted == "" {
		return "❌ open"
	}
	const max = 140
	if r := []rune(accepted); len(r) > max {
		accepted = string(r[:max]) + "…"
	}
	return "accepted: " + accepted
}

func cells(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = cell(s)
	}
	return out
}

// cell makes text safe in a table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
