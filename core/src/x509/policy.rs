//! Certificate policy processing (RFC 5280 §6.1): the valid_policy_tree, explicit_policy,
//! policy_mapping and inhibit_anyPolicy, with the four user inputs.
//!
//! The tree is kept as a graph, one level per certificate, as BoringSSL and Go do: a level
//! holds at most one node per policy OID, and a node lists its parents instead of being
//! copied under each of them. Every step is then linear in the size of the certificates, so
//! a crafted chain of many-to-many policy mappings cannot make it grow exponentially; on top
//! of that [`MAX_POLICY_NODES`] bounds the whole graph.

use std::collections::{BTreeMap, BTreeSet};

use der::asn1::ObjectIdentifier;
use der::Decode;
use x509_cert::ext::pkix::{InhibitAnyPolicy, PolicyConstraints, PolicyMappings};

use super::cert::{ext_oid, Certificate};

/// The anyPolicy OID (2.5.29.32.0).
pub const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// Most nodes the policy graph of one path may hold, over all its levels.
pub const MAX_POLICY_NODES: usize = 10_000;

/// Most parent links the policy graph of one path may hold, over all its levels.
pub const MAX_POLICY_EDGES: usize = 200_000;

/// The user inputs of RFC 5280 §6.1.1 (c), (e), (f), (g).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInputs {
    /// user-initial-policy-set; empty (or holding anyPolicy) means any-policy.
    pub initial_policies: Vec<ObjectIdentifier>,
    /// initial-explicit-policy: the path must be valid for at least one policy.
    pub explicit_policy: bool,
    /// initial-policy-mapping-inhibit: policy mappings are not allowed.
    pub inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit: anyPolicy in a certificate is not honoured.
    pub inhibit_any_policy: bool,
}

/// What one certificate says about policies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertPolicies {
    /// certificatePolicies; `None` when the extension is absent.
    pub policies: Option<Vec<ObjectIdentifier>>,
    /// policyMappings, (issuerDomainPolicy, subjectDomainPolicy).
    pub mappings: Vec<(ObjectIdentifier, ObjectIdentifier)>,
    /// policyConstraints requireExplicitPolicy.
    pub require_explicit: Option<u32>,
    /// policyConstraints inhibitPolicyMapping.
    pub inhibit_mapping: Option<u32>,
    /// inhibitAnyPolicy SkipCerts.
    pub inhibit_any: Option<u32>,
    /// Subject equals issuer (self-issued certificates do not count down the constraints).
    pub self_issued: bool,
}

impl CertPolicies {
    /// Reads the policy extensions of `cert`; `Err` when one of them cannot be decoded.
    pub fn of(cert: &Certificate) -> Result<CertPolicies, String> {
        let mut out = CertPolicies {
            policies: cert.extensions().policies.clone(),
            self_issued: cert.is_self_issued(),
            ..CertPolicies::default()
        };
        let exts = cert.inner().tbs_certificate().extensions();
        for ext in exts.into_iter().flatten() {
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                ext_oid::POLICY_MAPPINGS => {
                    let maps = PolicyMappings::from_der(value).map_err(|e| format!("policyMappings: {e}"))?;
                    out.mappings = maps
                        .0
                        .into_iter()
                        .map(|m| (m.issuer_domain_policy, m.subject_domain_policy))
                        .collect();
                }
                ext_oid::POLICY_CONSTRAINTS => {
                    let pc = PolicyConstraints::from_der(value).map_err(|e| format!("policyConstraints: {e}"))?;
                    out.require_explicit = pc.require_explicit_policy;
                    out.inhibit_mapping = pc.inhibit_policy_mapping;
                }
                ext_oid::INHIBIT_ANY_POLICY => {
                    let skip = InhibitAnyPolicy::from_der(value).map_err(|e| format!("inhibitAnyPolicy: {e}"))?;
                    out.inhibit_any = Some(skip.0);
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// The result of policy processing on a valid path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// The user-constrained policy set (RFC 5280 §6.1.6): the policies, in the anchor's
    /// domain, that the path is valid for; `anyPolicy` when any is. Empty when the
    /// valid_policy_tree is NULL (allowed when no explicit policy is required).
    pub valid_policies: Vec<String>,
    /// The policies of the leaf level of the tree, in the leaf's own domain (after mappings).
    pub leaf_policies: Vec<String>,
}

/// A policy node key: `None` is anyPolicy.
type Key = Option<ObjectIdentifier>;

#[derive(Debug, Clone, Default)]
struct Node {
    parents: BTreeSet<Key>,
    expected: BTreeSet<Key>,
}

type Level = BTreeMap<Key, Node>;

fn key(oid: ObjectIdentifier) -> Key {
    (oid != ANY_POLICY).then_some(oid)
}

fn name(k: &Key) -> String {
    k.map_or_else(|| "anyPolicy".to_owned(), |o| o.to_string())
}

/// Counts nodes and edges against the limits.
struct Budget {
    nodes: usize,
    edges: usize,
}

impl Budget {
    fn spend(&mut self, level: &Level) -> Result<(), String> {
        self.nodes += level.len();
        self.edges += level
            .values()
            .map(|n| n.parents.len() + n.expected.len())
            .sum::<usize>();
        if self.nodes > MAX_POLICY_NODES || self.edges > MAX_POLICY_EDGES {
            return Err(format!(
                "certificate policy graph exceeds {MAX_POLICY_NODES} nodes / {MAX_POLICY_EDGES} links"
            ));
        }
        Ok(())
    }
}

/// Processes the policies of a path `certs` (top-down: the certificate the anchor issued
/// first, the leaf last; the anchor itself is not part of it) per RFC 5280 §6.1.2–§6.1.5.
/// `Err` says why the path is not valid for policy reasons.
pub fn process(certs: &[CertPolicies], inputs: &PolicyInputs) -> Result<PolicyOutcome, String> {
    let n = certs.len();
    let start = |inhibited: bool| if inhibited { 0 } else { n + 1 };
    let mut explicit_policy = start(inputs.explicit_policy);
    let mut policy_mapping = start(inputs.inhibit_policy_mapping);
    let mut inhibit_any = start(inputs.inhibit_any_policy);
    let mut budget = Budget { nodes: 0, edges: 0 };
    let root = Node {
        parents: BTreeSet::new(),
        expected: BTreeSet::from([None]),
    };
    let mut levels: Vec<Level> = vec![BTreeMap::from([(None, root)])];

    for (index, cert) in certs.iter().enumerate() {
        let i = index + 1;
        let prev = &levels[index];
        let mut level = Level::new();
        // §6.1.3 (d), (e): a certificate without certificatePolicies empties the tree.
        if let (Some(policies), false) = (&cert.policies, prev.is_empty()) {
            let mut expected: BTreeMap<ObjectIdentifier, BTreeSet<Key>> = BTreeMap::new();
            for (k, node) in prev.iter().filter(|(k, _)| k.is_some()) {
                for e in node.expected.iter().flatten() {
                    expected.entry(*e).or_default().insert(*k);
                }
            }
            let prev_any = prev.contains_key(&None);
            let mut asserts_any = false;
            for &p in policies {
                let Some(p) = key(p) else {
                    asserts_any = true;
                    continue;
                };
                // (d)(1)(i): children of every node expecting P; (ii): else of anyPolicy.
                let parents = match expected.get(&p) {
                    Some(parents) => parents.clone(),
                    None if prev_any => BTreeSet::from([None]),
                    None => continue,
                };
                level.insert(
                    Some(p),
                    Node {
                        parents,
                        expected: BTreeSet::from([Some(p)]),
                    },
                );
            }
            // (d)(2): anyPolicy stands for every expected policy not yet matched.
            if asserts_any && (inhibit_any > 0 || (i < n && cert.self_issued)) {
                for (e, parents) in expected {
                    level.entry(Some(e)).or_insert_with(|| Node {
                        parents,
                        expected: BTreeSet::from([Some(e)]),
                    });
                }
                if prev_any {
                    level.insert(
                        None,
                        Node {
                            parents: BTreeSet::from([None]),
                            expected: BTreeSet::from([None]),
                        },
                    );
                }
            }
        }
        // (f)
        if explicit_policy == 0 && level.is_empty() {
            return Err(format!(
                "no valid certificate policy at certificate {i} of {n}, and an explicit policy is required"
            ));
        }
        if i < n {
            // §6.1.4 (a), (b): policy mappings.
            let mut mapped: BTreeMap<ObjectIdentifier, BTreeSet<Key>> = BTreeMap::new();
            for &(issuer, subject) in &cert.mappings {
                if issuer == ANY_POLICY || subject == ANY_POLICY {
                    return Err(format!("certificate {i} maps anyPolicy (RFC 5280 §6.1.4 a)"));
                }
                mapped.entry(issuer).or_default().insert(Some(subject));
            }
            for (issuer, subjects) in mapped {
                if policy_mapping > 0 {
                    if let Some(node) = level.get_mut(&Some(issuer)) {
                        node.expected = subjects;
                    } else if level.contains_key(&None) {
                        level.insert(
                            Some(issuer),
                            Node {
                                parents: BTreeSet::from([None]),
                                expected: subjects,
                            },
                        );
                    }
                } else {
                    level.remove(&Some(issuer));
                }
            }
            // (h), (i), (j)
            if !cert.self_issued {
                for counter in [&mut explicit_policy, &mut policy_mapping, &mut inhibit_any] {
                    *counter = counter.saturating_sub(1);
                }
            }
            let lower = |counter: &mut usize, value: Option<u32>| {
                if let Some(v) = value {
                    *counter = (*counter).min(v as usize);
                }
            };
            lower(&mut explicit_policy, cert.require_explicit);
            lower(&mut policy_mapping, cert.inhibit_mapping);
            lower(&mut inhibit_any, cert.inhibit_any);
        } else {
            // §6.1.5 (a), (b)
            explicit_policy = explicit_policy.saturating_sub(1);
            if cert.require_explicit == Some(0) {
                explicit_policy = 0;
            }
        }
        budget.spend(&level)?;
        levels.push(level);
    }

    // §6.1.5 (g): the intersection with the user-initial-policy-set.
    prune(&mut levels);
    let user: BTreeSet<Key> = inputs.initial_policies.iter().map(|&o| key(o)).collect();
    if !user.is_empty() && !user.contains(&None) {
        // (g)(iii)(2): nodes whose parent is anyPolicy stand for the policy sets of the
        // authorities; those outside the user's set go.
        let mut authority = BTreeSet::new();
        for level in levels.iter_mut().skip(1) {
            level.retain(|k, node| {
                if k.is_none() || !node.parents.contains(&None) {
                    return true;
                }
                authority.insert(*k);
                user.contains(k)
            });
        }
        // (g)(iii)(3): a leaf-level anyPolicy stands for the user's policies not yet named.
        if let Some(any) = levels[n].remove(&None) {
            for p in user.iter().filter(|p| !authority.contains(p)) {
                let node = levels[n].entry(*p).or_default();
                node.parents.extend(any.parents.iter().copied());
                node.expected.insert(*p);
            }
        }
        prune(&mut levels);
    }
    let leaf_level = &levels[n];
    if leaf_level.is_empty() && n > 0 && explicit_policy == 0 {
        return Err(
            "the path is valid for no certificate policy the user accepts, and an explicit policy is required".into(),
        );
    }
    let mut valid: BTreeSet<String> = BTreeSet::new();
    if !leaf_level.is_empty() {
        for level in levels.iter().skip(1) {
            for (k, node) in level {
                if node.parents.contains(&None) {
                    valid.insert(name(k));
                }
            }
        }
    }
    Ok(PolicyOutcome {
        valid_policies: valid.into_iter().collect(),
        leaf_policies: leaf_level.keys().map(name).collect(),
    })
}

/// Keeps only nodes on a route from the root to the last level (§6.1.3 (d)(3), §6.1.5 (g)(iii)(4)).
fn prune(levels: &mut [Level]) {
    // Downward: a node needs a surviving parent.
    for i in 1..levels.len() {
        let (above, below) = levels.split_at_mut(i);
        let parents = &above[i - 1];
        below[0].retain(|_, node| node.parents.iter().any(|p| parents.contains_key(p)));
    }
    // Upward: a node above the last level needs a surviving child.
    for i in (0..levels.len().saturating_sub(1)).rev() {
        let (above, below) = levels.split_at_mut(i + 1);
        let children = &below[0];
        let used: BTreeSet<Key> = children.values().flat_map(|c| c.parents.iter().copied()).collect();
        above[i].retain(|k, _| used.contains(k));
    }
}

/// Reads a policy OID as the user writes it: dotted decimal, or `anyPolicy`.
pub fn parse_policy(text: &str) -> Result<ObjectIdentifier, String> {
    if text.eq_ignore_ascii_case("anyPolicy") {
        return Ok(ANY_POLICY);
    }
    ObjectIdentifier::new(text).map_err(|e| format!("{text:?} is not a policy OID: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u32) -> ObjectIdentifier {
        ObjectIdentifier::new(&format!("2.16.840.1.101.3.2.1.48.{n}")).unwrap()
    }

    fn cert(policies: &[u32]) -> CertPolicies {
        CertPolicies {
            policies: Some(
                policies
                    .iter()
                    .map(|&p| if p == 0 { ANY_POLICY } else { oid(p) })
                    .collect(),
            ),
            ..CertPolicies::default()
        }
    }

    #[test]
    fn same_policy_throughout() {
        let path = [cert(&[1]), cert(&[1])];
        let out = process(&path, &PolicyInputs::default()).unwrap();
        assert_eq!(out.valid_policies, vec![oid(1).to_string()]);
        let wanted = PolicyInputs {
            initial_policies: vec![oid(2)],
            explicit_policy: true,
            ..PolicyInputs::default()
        };
        assert!(process(&path, &wanted).is_err());
        // Without an explicit policy required, a NULL tree is still a valid path.
        let lax = PolicyInputs {
            explicit_policy: false,
            ..wanted
        };
        assert_eq!(process(&path, &lax).unwrap().valid_policies, Vec::<String>::new());
    }

    #[test]
    fn mappings_and_inhibition() {
        let mut ca = cert(&[1]);
        ca.mappings = vec![(oid(1), oid(2))];
        ca.require_explicit = Some(0);
        let path = [ca.clone(), cert(&[2])];
        let out = process(&path, &PolicyInputs::default()).unwrap();
        assert_eq!(out.valid_policies, vec![oid(1).to_string()]);
        assert_eq!(out.leaf_policies, vec![oid(2).to_string()]);
        let inhibited = PolicyInputs {
            inhibit_policy_mapping: true,
            ..PolicyInputs::default()
        };
        assert!(process(&path, &inhibited).is_err());
        let mut any_map = ca;
        any_map.mappings = vec![(ANY_POLICY, oid(2))];
        assert!(process(&[any_map, cert(&[2])], &PolicyInputs::default()).is_err());
    }

    #[test]
    fn any_policy_inhibited() {
        let mut ca = cert(&[0]);
        ca.require_explicit = Some(0);
        ca.inhibit_any = Some(0);
        assert!(process(&[ca.clone(), cert(&[0])], &PolicyInputs::default()).is_err());
        assert!(process(&[ca, cert(&[1])], &PolicyInputs::default()).is_ok());
    }

    /// Every CA asserts many policies and maps each to every other: a tree would hold
    /// width^depth nodes; the graph stays linear and answers at once.
    #[test]
    fn mapping_blow_up_is_bounded() {
        let width = 60u32;
        let mut ca = cert(&(1..=width).collect::<Vec<_>>());
        ca.mappings = (1..=width)
            .flat_map(|a| (1..=width).map(move |b| (oid(a), oid(b))))
            .collect();
        let mut path = vec![ca; 10];
        path.push(cert(&[1]));
        path[0].require_explicit = Some(0);
        let started = std::time::Instant::now();
        let out = process(&path, &PolicyInputs::default()).unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(out.valid_policies.len(), width as usize);
        assert_eq!(out.leaf_policies, vec![oid(1).to_string()]);
    }
}
