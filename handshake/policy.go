// policy.go holds certificate policy processing (RFC 5280 §6.1.2–§6.1.5:
// the valid_policy_tree, policy mappings, requireExplicitPolicy,
// inhibitPolicyMapping and inhibitAnyPolicy) for ValidatePath.
package handshake

import (
	"crypto/x509"
	"encoding/asn1"
)

// PolicyParams are RFC 5280 §6.1.1's policy inputs. The zero value (and a
// nil *PolicyParams) is the permissive default: any policy acceptable,
// nothing required, mappings and anyPolicy allowed. With that default a
// path is refused on policy grounds only when its own certificates demand
// an explicit policy (policyConstraints) that the path does not carry.
type PolicyParams struct {
	// InitialPolicySet is user-initial-policy-set; empty means anyPolicy.
	InitialPolicySet []asn1.ObjectIdentifier
	// ExplicitPolicy is initial-explicit-policy: the path must be valid
	// for at least one policy in InitialPolicySet.
	ExplicitPolicy bool
	// PolicyMappingInhibit is initial-policy-mapping-inhibit.
	PolicyMappingInhibit bool
	// AnyPolicyInhibit is initial-any-policy-inhibit.
	AnyPolicyInhibit bool
}

// PolicyRequirementNotMet is the {bad_cert, Reason} for a path that fails
// policy processing (as OTP's public_key reports it).
const PolicyRequirementNotMet BadCertReason = "policy_requirement_not_met"

// maxPolicyNodes bounds the valid_policy_tree: policy mappings can make it
// grow exponentially with the path length (a known denial of service).
const maxPolicyNodes = 1000

const anyPolicy = "2.5.29.32.0"

var oidExtCertPolicies = asn1.ObjectIdentifier{2, 5, 29, 32}

// policyNode is a node of the valid_policy_tree (§6.1.2 (a)); qualifiers
// are not kept since nothing consumes them.
type policyNode struct {
	policy   string
	expected []string
	parent   *policyNode
	kids     int
	gone     bool
}

// policyState is the §6.1.2 state carried down the path.
type policyState struct {
	levels                               [][]*policyNode // levels[d] = nodes at depth d; nil tree when tree is false
	tree                                 bool
	explicit, mapping, inhibitAny, nodes int
	n                                    int
	initial                              map[string]bool // nil means {anyPolicy}
}

// newPolicyState initialises the policy variables for a path of n
// certificates below the trust anchor (§6.1.2 (a), (d)–(f)).
func newPolicyState(p *PolicyParams, n int) *policyState {
	if p == nil {
		p = &PolicyParams{}
	}
	root := &policyNode{policy: anyPolicy, expected: []string{anyPolicy}}
	s := &policyState{levels: [][]*policyNode{{root}}, tree: true, n: n, nodes: 1,
		explicit: n + 1, mapping: n + 1, inhibitAny: n + 1}
	if p.ExplicitPolicy {
		s.explicit = 0
	}
	if p.PolicyMappingInhibit {
		s.mapping = 0
	}
	if p.AnyPolicyInhibit {
		s.inhibitAny = 0
	}
	for _, o := range p.InitialPolicySet {
		if s.initial == nil {
			s.initial = map[string]bool{}
		}
		s.initial[o.String()] = true
	}
	if s.initial[anyPolicy] {
		s.initial = nil
	}
	return s
}

// add creates a child of parent at depth d; false when the tree is too big.
func (s *policyState) add(d int, parent *policyNode, policy string, expected []string) bool {
	if s.nodes >= maxPolicyNodes {
		return false
	}
	s.nodes++
	for len(s.levels) <= d {
		s.levels = append(s.levels, nil)
	}
	s.levels[d] = append(s.levels[d], &policyNode{policy: policy, expected: expected, parent: parent})
	parent.kids++
	return true
}

// live lists the nodes at depth d still in the tree.
func (s *policyState) live(d int) []*policyNode {
	if !s.tree || d >= len(s.levels) {
		return nil
	}
	var out []*policyNode
	for _, x := range s.levels[d] {
		if !x.gone {
			out = append(out, x)
		}
	}
	return out
}

// remove deletes x and its subtree.
func (s *policyState) remove(x *policyNode) {
	if x.gone {
		return
	}
	x.gone = true
	if x.parent != nil {
		x.parent.kids--
	}
	for d := range s.levels {
		for _, y := range s.levels[d] {
			if !y.gone && y.parent == x {
				s.remove(y)
			}
		}
	}
}

// prune deletes childless nodes above depth d, bottom-up; an empty tree
// becomes NULL.
func (s *policyState) prune(d int) {
	for k := d - 1; k >= 0; k-- {
		for _, x := range s.live(k) {
			if x.kids == 0 {
				s.remove(x)
			}
		}
	}
	if len(s.live(0)) == 0 {
		s.tree = false
	}
}

// certPolicies lists c's policy OIDs, and whether it has the extension.
func certPolicies(c *x509.Certificate) ([]string, bool) {
	if !hasExt(c, oidExtCertPolicies) {
		return nil, false
	}
	var out []string
	for _, o := range c.Policies {
		out = append(out, o.String())
	}
	if len(out) == 0 {
		for _, o := range c.PolicyIdentifiers {
			out = append(out, o.String())
		}
	}
	return out, true
}

// processCert runs §6.1.3 (d)–(f) for certificate i (1-based from the
// anchor) and, when it is not the last, the §6.1.4 (a), (b), (h)–(j)
// preparation. It reports whether the path is still acceptable.
func (s *policyState) processCert(c *x509.Certificate, i int, selfIssued bool) bool {
	pols, has := certPolicies(c)
	if has && s.tree {
		// (d)(1): each policy other than anyPolicy joins the nodes expecting it.
		hasAny := false
		for _, p := range pols {
			if p == anyPolicy {
				hasAny = true
				continue
			}
			matched := false
			for _, x := range s.live(i - 1) {
				if contains(x.expected, p) {
					matched = true
					if !s.add(i, x, p, []string{p}) {
						return false
					}
				}
			}
			if !matched {
				for _, x := range s.live(i - 1) {
					if x.policy == anyPolicy {
						if !s.add(i, x, p, []string{p}) {
							return false
						}
					}
				}
			}
		}
		// (d)(2): anyPolicy, unless inhibited, keeps every expected policy.
		if hasAny && (s.inhibitAny > 0 || (i < s.n && selfIssued)) {
			for _, x := range s.live(i - 1) {
				for _, e := range x.expected {
					if !s.hasChild(i, x, e) {
						if !s.add(i, x, e, []string{e}) {
							return false
						}
					}
				}
			}
		}
		s.prune(i) // (d)(3)
	}
	if !has {
		s.tree = false // (e)
	}
	if s.explicit <= 0 && !s.tree {
		return false // (f)
	}
	if i == s.n {
		return true
	}
	// §6.1.4 (a): no mapping to or from anyPolicy.
	for _, m := range c.PolicyMappings {
		if m.IssuerDomainPolicy.String() == anyPolicy || m.SubjectDomainPolicy.String() == anyPolicy {
			return false
		}
	}
	// §6.1.4 (b)
	if len(c.PolicyMappings) > 0 && s.tree {
		mapped := map[string][]string{}
		var order []string
		for _, m := range c.PolicyMappings {
			id := m.IssuerDomainPolicy.String()
			if _, ok := mapped[id]; !ok {
				order = append(order, id)
			}
			if sd := m.SubjectDomainPolicy.String(); !contains(mapped[id], sd) {
				mapped[id] = append(mapped[id], sd)
			}
		}
		for _, id := range order {
			if s.mapping > 0 {
				found := false
				for _, x := range s.live(i) {
					if x.policy == id {
						x.expected = mapped[id]
						found = true
					}
				}
				if !found {
					for _, x := range s.live(i) {
						if x.policy == anyPolicy && x.parent != nil {
							if !s.add(i, x.parent, id, mapped[id]) {
								return false
							}
							break
						}
					}
				}
			} else {
				for _, x := range s.live(i) {
					if x.policy == id {
						s.remove(x)
					}
				}
				s.prune(i)
			}
		}
	}
	// (h)
	if !selfIssued {
		if s.explicit > 0 {
			s.explicit--
		}
		if s.mapping > 0 {
			s.mapping--
		}
		if s.inhibitAny > 0 {
			s.inhibitAny--
		}
	}
	// (i), (j)
	if (c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero) && c.RequireExplicitPolicy < s.explicit {
		s.explicit = c.RequireExplicitPolicy
	}
	if (c.InhibitPolicyMapping > 0 || c.InhibitPolicyMappingZero) && c.InhibitPolicyMapping < s.mapping {
		s.mapping = c.InhibitPolicyMapping
	}
	if (c.InhibitAnyPolicy > 0 || c.InhibitAnyPolicyZero) && c.InhibitAnyPolicy < s.inhibitAny {
		s.inhibitAny = c.InhibitAnyPolicy
	}
	return true
}

// hasChild reports whether x has a child at depth d with this policy.
func (s *policyState) hasChild(d int, x *policyNode, policy string) bool {
	for _, y := range s.live(d) {
		if y.parent == x && y.policy == policy {
			return true
		}
	}
	return false
}

// wrapUp runs §6.1.5 for the peer certificate (depth n) and reports
// whether the path is valid for some acceptable policy.
func (s *policyState) wrapUp(leaf *x509.Certificate) bool {
	if s.explicit > 0 {
		s.explicit--
	}
	if leaf.RequireExplicitPolicyZero {
		s.explicit = 0
	}
	if s.tree && s.initial != nil {
		// (g)(iii)(1)–(2): below the anyPolicy branch, keep only the
		// acceptable policies.
		var anyLeaf *policyNode
		for d := 1; d <= s.n; d++ {
			for _, x := range s.live(d) {
				if x.parent == nil || x.parent.policy != anyPolicy {
					continue
				}
				if x.policy != anyPolicy && !s.initial[x.policy] {
					s.remove(x)
				}
			}
		}
		for _, x := range s.live(s.n) {
			if x.policy == anyPolicy {
				anyLeaf = x
			}
		}
		// (g)(iii)(3): an anyPolicy leaf stands for each acceptable policy
		// not otherwise present.
		if anyLeaf != nil && !anyLeaf.gone {
			present := map[string]bool{}
			for _, x := range s.live(s.n) {
				present[x.policy] = true
			}
			for p := range s.initial {
				if !present[p] {
					if !s.add(s.n, anyLeaf.parent, p, []string{p}) {
						return false
					}
				}
			}
			s.remove(anyLeaf)
		}
		s.prune(s.n) // (g)(iii)(4)
	}
	return s.explicit > 0 || s.tree
}

// contains reports whether xs holds x.
func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
