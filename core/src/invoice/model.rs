//! The invoice model (serde), and the parsers of the invoice XML forms.
//!
//! Every parser keeps what it does not map in [`Invoice::extra`] (element path → text), so
//! nothing in the file is dropped silently. Amounts are kept as written (decimal text);
//! [`cents`] reads them for arithmetic. The issue date is normalised to `YYYY-MM-DD`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::InvoiceError;
use crate::ofd::xml::{self, Node};

/// Largest invoice XML read (real ones are a few KB).
pub const MAX_INVOICE_XML: usize = 4 * 1024 * 1024;

/// Most goods lines kept.
pub const MAX_ITEMS: usize = 10_000;

/// The namespace of the 2019 e-invoice schema.
pub const NS_2019: &str = "http://www.edrm.org.cn/schema/e-invoice/2019";

/// Which form the invoice takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InvoiceKind {
    /// VAT e-invoice in the 2019 schema (`original_invoice.xml`), invoice code + number.
    Vat2019,
    /// Fully digital invoice (数电票): 20-digit number, no code.
    Digital,
    /// Railway e-ticket invoice (电子发票（铁路电子客票）), XBRL attachment.
    Railway,
}

impl InvoiceKind {
    /// The kind's name as the JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Vat2019 => "vat-2019",
            InvoiceKind::Digital => "digital",
            InvoiceKind::Railway => "railway",
        }
    }
}

/// Where the invoice's fields were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    /// The 2019-schema invoice XML.
    Xml2019,
    /// The 数电票 `<EInvoice>` XML.
    DigitalXml,
    /// The XBRL attachment.
    Xbrl,
    /// The OFD's CustomTags and page text (no invoice XML attached).
    PageText,
}

/// Buyer or seller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Taxpayer identification number (mostly a unified social credit code).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tax_id: Option<String>,
    /// Address and telephone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address_phone: Option<String>,
    /// Bank and account.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_account: Option<String>,
}

/// One goods or services line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Name (`*category*name`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Specification / model.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub specification: Option<String>,
    /// Unit.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<String>,
    /// Unit price (tax exclusive), as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub price: Option<String>,
    /// Quantity, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quantity: Option<String>,
    /// Amount (tax exclusive), as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<String>,
    /// Tax rate as written (`3%`, `0.06`, `免税`, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tax_rate: Option<String>,
    /// Tax amount, as written (`***` when not taxed).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tax_amount: Option<String>,
}

/// The data of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The form.
    pub kind: InvoiceKind,
    /// Where the fields were read from.
    pub source: Source,
    /// Invoice code (发票代码, 10 or 12 digits; absent on 数电票).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// Invoice number (发票号码: 8 digits with a code, 20 digits on 数电票).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub number: Option<String>,
    /// Issue date, `YYYY-MM-DD` (as written when it does not read as a date).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issue_date: Option<String>,
    /// Check code (校验码, 20 digits), spaces removed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub check_code: Option<String>,
    /// Tax-control machine number (机器编号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub machine_no: Option<String>,
    /// Seller.
    pub seller: Party,
    /// Buyer.
    pub buyer: Party,
    /// Total excluding tax (合计金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub total_excluding_tax: Option<String>,
    /// Total tax (合计税额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub total_tax: Option<String>,
    /// Total including tax (价税合计).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub total_including_tax: Option<String>,
    /// Goods and services lines.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub items: Vec<Item>,
    /// The QR code's text (GraphCode), when the data carries it as text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub graph_code: Option<String>,
    /// Cipher area (密码区 / TaxControlCode), whitespace removed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tax_control_code: Option<String>,
    /// Note (备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Issuing clerk (开票人).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub clerk: Option<String>,
    /// Payee (收款人).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payee: Option<String>,
    /// Checker (复核人).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub checker: Option<String>,
    /// The tax-side signature as found: base64 of `fp:Signature` (2019), or the
    /// `TaxBureauSignature` SignatureValue (数电票 XML).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signature: Option<String>,
    /// Every element not mapped above: path → text.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub extra: BTreeMap<String, String>,
}

impl Invoice {
    pub(crate) fn new(kind: InvoiceKind, source: Source) -> Invoice {
        Invoice {
            kind,
            source,
            code: None,
            number: None,
            issue_date: None,
            check_code: None,
            machine_no: None,
            seller: Party::default(),
            buyer: Party::default(),
            total_excluding_tax: None,
            total_tax: None,
            total_including_tax: None,
            items: Vec::new(),
            graph_code: None,
            tax_control_code: None,
            note: None,
            clerk: None,
            payee: None,
            checker: None,
            signature: None,
            extra: BTreeMap::new(),
        }
    }

    /// What identifies the invoice across files: `code/number`, or the 20-digit number alone.
    pub fn key(&self) -> Option<String> {
        let number = self.number.as_deref()?;
        Some(match self.code.as_deref() {
            Some(code) if !code.is_empty() => format!("{code}/{number}"),
            _ => number.to_owned(),
        })
    }

    /// One line for a person: number, date, parties, amount.
    pub fn summary(&self) -> String {
        format!(
            "invoice {} of {} from {} to {} for ¥{}",
            self.key().unwrap_or_else(|| "?".into()).replace('/', " / "),
            self.issue_date.as_deref().unwrap_or("?"),
            self.seller.name.as_deref().unwrap_or("?"),
            self.buyer.name.as_deref().unwrap_or("?"),
            self.total_including_tax.as_deref().unwrap_or("?"),
        )
    }

    /// The model as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// A value read from XML: trimmed; empty becomes `None`.
fn some(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Text with every whitespace character removed.
pub fn squeeze(text: &str) -> String {
    if !text.chars().any(char::is_whitespace) {
        return text.to_owned();
    }
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// An amount without its currency sign and spaces (`¥526.00` → `526.00`).
pub fn strip_currency(text: &str) -> String {
    let squeezed = squeeze(text);
    match squeezed.trim_start_matches(['¥', '￥']) {
        rest if rest.len() == squeezed.len() => squeezed,
        rest => rest.to_owned(),
    }
}

/// An amount in cents (`526.00` → 52600, `¥-3.5` → -350); `None` unless it reads as a
/// decimal with at most two fraction digits (`***` for "not taxed" reads as `None`).
pub fn cents(text: &str) -> Option<i64> {
    let t = strip_currency(text);
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || int.len() > 15
        || frac.len() > 2
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut frac = frac.to_owned();
    while frac.len() < 2 {
        frac.push('0');
    }
    let v = int.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?;
    Some(if neg { -v } else { v })
}

/// A decimal normalised for comparison (`510.6800` → `510.68`, `1.0` → `1`); `None` unless
/// the text is a plain decimal.
pub fn decimal(text: &str) -> Option<String> {
    let t = strip_currency(text);
    let body = t.strip_prefix('-').unwrap_or(&t);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') || body.matches('.').count() > 1 {
        return None;
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let sign = if t.starts_with('-') && !(int.is_empty() && frac.is_empty()) {
        "-"
    } else {
        ""
    };
    let int = if int.is_empty() { "0" } else { int };
    Some(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    })
}

/// A date as `YYYY-MM-DD` from `2020年07月23日`, `2020-07-23`, `20200723` or
/// `2025-08-08 12:06:33`; `None` when it is none of these.
pub fn date(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let (y, m, d) = match digits.as_slice() {
        [all] if all.len() == 8 => (&all[..4], &all[4..6], &all[6..8]),
        [all, ..] if all.len() == 14 => (&all[..4], &all[4..6], &all[6..8]),
        [y, m, d, ..] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (*y, *m, *d),
        _ => return None,
    };
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y}-{m:02}-{d:02}"))
}

/// Every leaf element under `node` as (path, text). A child whose name repeats among its
/// siblings gets its index (`GoodsInfos/GoodsInfo[1]/Amount`), so two files with the same
/// structure give the same paths. The root's own name is not part of the path.
pub fn flatten(node: &Node<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten_into(node, "", &mut out);
    out
}

/// Each child of `node` that `keep` keeps, with its path under `prefix`: `prefix/Name`, or
/// `prefix/Name[i]` when `node` has several children of that name (`i` counting the kept ones
/// before it, from 0). The children are counted by name once per node, not once per child.
pub(super) fn child_paths<'n, 'a>(
    node: &'n Node<'a>,
    prefix: &'n str,
    keep: impl Fn(&Node<'a>) -> bool + 'n,
) -> impl Iterator<Item = (&'n Node<'a>, String)> + 'n {
    // Name → (children bearing it, kept ones seen so far).
    let mut names: BTreeMap<&'a str, (usize, usize)> = BTreeMap::new();
    for child in &node.children {
        names.entry(child.name).or_default().0 += 1;
    }
    node.children.iter().filter(move |c| keep(c)).map(move |child| {
        let counts = names.entry(child.name).or_default();
        let index = (counts.0 > 1).then_some(counts.1);
        counts.1 += 1;
        let mut path = String::with_capacity(prefix.len() + child.name.len() + 6);
        if !prefix.is_empty() {
            path.push_str(prefix);
            path.push('/');
        }
        path.push_str(child.name);
        if let Some(index) = index {
            use std::fmt::Write;
            let _ = write!(path, "[{index}]");
        }
        (child, path)
    })
}

fn flatten_into(node: &Node<'_>, prefix: &str, out: &mut Vec<(String, String)>) {
    for (child, path) in child_paths(node, prefix, |_| true) {
        if child.children.is_empty() {
            out.push((path, child.text.trim().to_owned()));
        } else {
            flatten_into(child, &path, out);
        }
    }
}

/// The segments of a flattened path without their indices, and the last index seen.
fn plain(path: &str) -> (Vec<&str>, Option<usize>) {
    let mut index = None;
    let parts = path
        .split('/')
        .map(|seg| match seg.split_once('[') {
            Some((name, rest)) => {
                index = rest.trim_end_matches(']').parse().ok().or(index);
                name
            }
            None => seg,
        })
        .collect();
    (parts, index)
}

/// Goods line fields by their 2019 names.
const ITEM_FIELDS: [&str; 8] = [
    "Item",
    "Specification",
    "MeasurementDimension",
    "Price",
    "Quantity",
    "Amount",
    "TaxScheme",
    "TaxAmount",
];

/// Builds an invoice from 2019-schema paths (from the XML, or from CustomTag paths with the
/// page text as values). Unknown paths go to `extra`.
pub fn from_2019_paths(kind: InvoiceKind, source: Source, flat: &[(String, String)]) -> Invoice {
    let mut inv = Invoice::new(kind, source);
    let mut items: BTreeMap<usize, Item> = BTreeMap::new();
    for (path, value) in flat {
        let (parts, index) = plain(path);
        let Some(last) = parts.last().copied() else { continue };
        let v = some(value);
        let set = |slot: &mut Option<String>, v: Option<String>| {
            if slot.is_none() {
                *slot = v;
            }
        };
        let in_goods = parts.len() == 1 || parts.iter().any(|p| *p == "GoodsInfo" || *p == "GoodsInfos");
        if in_goods && ITEM_FIELDS.contains(&last) && !(parts.len() == 1 && v.is_none()) {
            if items.len() >= MAX_ITEMS && !items.contains_key(&index.unwrap_or(0)) {
                continue;
            }
            let item = items.entry(index.unwrap_or(0)).or_default();
            let slot = match last {
                "Item" => &mut item.name,
                "Specification" => &mut item.specification,
                "MeasurementDimension" => &mut item.unit,
                "Price" => &mut item.price,
                "Quantity" => &mut item.quantity,
                "Amount" => &mut item.amount,
                "TaxScheme" => &mut item.tax_rate,
                _ => &mut item.tax_amount,
            };
            // A name split over two text objects on the page is joined.
            match (slot.as_mut(), v) {
                (Some(old), Some(new)) if last == "Item" => old.push_str(&new),
                (_, v) => set(slot, v),
            }
            continue;
        }
        match (parts.first().copied(), last) {
            (_, "InvoiceCode") => set(&mut inv.code, v),
            (_, "InvoiceNo") => set(&mut inv.number, v),
            (_, "IssueDate") => set(&mut inv.issue_date, v.map(|d| date(&d).unwrap_or(d))),
            (_, "InvoiceCheckCode") => set(&mut inv.check_code, v.map(|c| squeeze(&c))),
            (_, "MachineNo") => set(&mut inv.machine_no, v),
            (_, "BuyerName") => set(&mut inv.buyer.name, v),
            (_, "BuyerTaxID") => set(&mut inv.buyer.tax_id, v),
            (_, "BuyerAddrTel") => set(&mut inv.buyer.address_phone, v),
            (_, "BuyerFinancialAccount") => set(&mut inv.buyer.bank_account, v),
            (_, "SellerName") => set(&mut inv.seller.name, v),
            (_, "SellerTaxID") => set(&mut inv.seller.tax_id, v),
            (_, "SellerAddrTel") => set(&mut inv.seller.address_phone, v),
            (_, "SellerFinancialAccount") => set(&mut inv.seller.bank_account, v),
            (_, "TaxExclusiveTotalAmount") => set(&mut inv.total_excluding_tax, v.map(|a| strip_currency(&a))),
            (_, "TaxTotalAmount") => set(&mut inv.total_tax, v.map(|a| strip_currency(&a))),
            (_, "TaxInclusiveTotalAmount") => set(&mut inv.total_including_tax, v.map(|a| strip_currency(&a))),
            (_, "GraphCode") => set(&mut inv.graph_code, v),
            (_, "TaxControlCode") => set(&mut inv.tax_control_code, v.map(|c| squeeze(&c))),
            (_, "Note") => set(&mut inv.note, v),
            (_, "InvoiceClerk") => set(&mut inv.clerk, v),
            (_, "Payee") => set(&mut inv.payee, v),
            (_, "Checker") => set(&mut inv.checker, v),
            (Some("Signature"), "Signature") => set(&mut inv.signature, v.map(|s| squeeze(&s))),
            _ => {
                if let Some(v) = v {
                    inv.extra.insert(path.clone(), v);
                }
            }
        }
    }
    inv.items = items.into_values().collect();
    inv
}

/// Invoice XML as found: 2019 schema, 数电票 `<EInvoice>`, or railway XBRL. A UTF-8 BOM is
/// accepted (some files in the wild start with one).
pub fn parse_invoice_xml(bytes: &[u8]) -> Result<Invoice, InvoiceError> {
    let (_, root) = parse_root(bytes, "invoice XML")?;
    invoice_from_root(&root)
}

/// Parses XML (BOM skipped) into its root, with the size limit.
pub(crate) fn parse_root<'a>(bytes: &'a [u8], what: &str) -> Result<(usize, Node<'a>), InvoiceError> {
    if bytes.len() > MAX_INVOICE_XML {
        return Err(InvoiceError::Malformed(format!(
            "{what}: {} bytes (limit {MAX_INVOICE_XML})",
            bytes.len()
        )));
    }
    let bytes = crate::codec::without_bom(bytes);
    let root = xml::parse(bytes, what).map_err(|e| InvoiceError::Malformed(e.to_string()))?;
    Ok((bytes.len(), root))
}

/// The kind of invoice XML a root element is, if it is one.
pub fn xml_kind(root: &Node<'_>) -> Option<(InvoiceKind, Source)> {
    let ns_2019 = root.attrs.iter().any(|(_, v)| v == NS_2019);
    match root.name {
        "eInvoice" if ns_2019 || root.child("InvoiceNo").is_some() => Some((InvoiceKind::Vat2019, Source::Xml2019)),
        "EInvoice" if root.child("EInvoiceData").is_some() || root.child("Header").is_some() => {
            Some((InvoiceKind::Digital, Source::DigitalXml))
        }
        "xbrl"
            if root
                .children
                .iter()
                .any(|c| c.name == "ElectronicInvoiceRailwayETicketNumber") =>
        {
            Some((InvoiceKind::Railway, Source::Xbrl))
        }
        _ => None,
    }
}

/// The invoice an XML root holds.
pub fn invoice_from_root(root: &Node<'_>) -> Result<Invoice, InvoiceError> {
    Ok(invoice_and_paths(root)?.0)
}

/// As [`invoice_from_root`], with the 2019-schema XML flattened ([`flatten`]; empty for the
/// other forms), flattened once for both.
pub(crate) fn invoice_and_paths(root: &Node<'_>) -> Result<(Invoice, Vec<(String, String)>), InvoiceError> {
    match xml_kind(root) {
        Some((kind, Source::Xml2019)) => {
            let paths = flatten(root);
            Ok((from_2019_paths(kind, Source::Xml2019, &paths), paths))
        }
        Some((_, Source::DigitalXml)) => Ok((from_digital_xml(root), Vec::new())),
        Some((_, Source::Xbrl)) => Ok((from_xbrl(root), Vec::new())),
        _ => Err(InvoiceError::NotInvoice(format!(
            "root element <{}> is no invoice form yinjian knows",
            root.name
        ))),
    }
}

/// 数电票 XML: Header, EInvoiceData (Seller/BuyerInformation, BasicInformation,
/// IssuItemInformation…), TaxSupervisionInfo, TaxBureauSignature.
fn from_digital_xml(root: &Node<'_>) -> Invoice {
    let mut inv = Invoice::new(InvoiceKind::Digital, Source::DigitalXml);
    let mut items: BTreeMap<usize, Item> = BTreeMap::new();
    for (path, value) in flatten(root) {
        let (parts, index) = plain(&path);
        let v = some(&value);
        let last = parts.last().copied().unwrap_or_default();
        if parts.first() == Some(&"EInvoiceData") && parts.get(1) == Some(&"IssuItemInformation") {
            if items.len() >= MAX_ITEMS && !items.contains_key(&index.unwrap_or(0)) {
                continue;
            }
            let item = items.entry(index.unwrap_or(0)).or_default();
            let slot = match last {
                "ItemName" => Some(&mut item.name),
                "SpecMod" => Some(&mut item.specification),
                "MeaUnits" => Some(&mut item.unit),
                "UnPrice" => Some(&mut item.price),
                "Quantity" => Some(&mut item.quantity),
                "Amount" => Some(&mut item.amount),
                "TaxRate" => Some(&mut item.tax_rate),
                "ComTaxAm" => Some(&mut item.tax_amount),
                _ => None,
            };
            match slot {
                Some(slot) => *slot = v,
                None => {
                    if let Some(v) = v {
                        inv.extra.insert(path.clone(), v);
                    }
                }
            }
            continue;
        }
        let slot = match last {
            "EIid" | "InvoiceNumber" => &mut inv.number,
            "SellerIdNum" => &mut inv.seller.tax_id,
            "SellerName" => &mut inv.seller.name,
            "BuyerIdNum" => &mut inv.buyer.tax_id,
            "BuyerName" => &mut inv.buyer.name,
            "TotalAmWithoutTax" => &mut inv.total_excluding_tax,
            "TotalTaxAm" => &mut inv.total_tax,
            "TotalTax-includedAmount" => &mut inv.total_including_tax,
            "Drawer" => &mut inv.clerk,
            "IssueTime" => &mut inv.issue_date,
            "SignatureValue" if parts.first() == Some(&"TaxBureauSignature") => &mut inv.signature,
            "Remark" | "Remarks" => &mut inv.note,
            _ => {
                if let Some(v) = v {
                    inv.extra.insert(path.clone(), v);
                }
                continue;
            }
        };
        if slot.is_none() {
            *slot = v;
        } else if let Some(v) = v {
            inv.extra.insert(path.clone(), v);
        }
    }
    inv.issue_date = inv.issue_date.map(|d| date(&d).unwrap_or(d));
    inv.items = items.into_values().collect();
    inv
}

/// Railway e-ticket invoice XBRL (财政部 `rai` taxonomy): the seller is China Railway and is
/// not named in the data.
fn from_xbrl(root: &Node<'_>) -> Invoice {
    let mut inv = Invoice::new(InvoiceKind::Railway, Source::Xbrl);
    let mut item = Item::default();
    for child in &root.children {
        let v = some(&child.text);
        let slot = match child.name {
            "ElectronicInvoiceRailwayETicketNumber" => &mut inv.number,
            "DateOfIssue" => &mut inv.issue_date,
            "TotalAmountExcludingTax" => &mut inv.total_excluding_tax,
            "TaxAmount" => &mut inv.total_tax,
            "Fare" => &mut inv.total_including_tax,
            "NameOfPurchaser" => &mut inv.buyer.name,
            "UnifiedSocialCreditCodeOfPurchaser" => &mut inv.buyer.tax_id,
            "AddressPhoneNumberOfPurchaser" => &mut inv.buyer.address_phone,
            "DepositBankAndAccountNumberOfPurchaser" => &mut inv.buyer.bank_account,
            "Remarks" => &mut inv.note,
            "TaxRate" => &mut item.tax_rate,
            name => {
                if let Some(v) = v {
                    if !matches!(name, "context" | "unit" | "schemaRef") {
                        inv.extra.insert(name.to_owned(), v);
                    }
                }
                continue;
            }
        };
        *slot = v;
    }
    if item.tax_rate.is_some() {
        item.name = inv.extra.get("TypeOfVoucher").cloned();
        item.amount = inv.total_excluding_tax.clone();
        item.tax_amount = inv.total_tax.clone();
        inv.items.push(item);
    }
    inv.issue_date = inv.issue_date.map(|d| date(&d).unwrap_or(d));
    inv
}

/// The fields of a QR text (GraphCode).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GraphCode {
    /// Invoice type code (`10` 普票, `20` 专票, `31`/`32` 数电票…).
    pub type_code: String,
    /// Invoice code (empty on 数电票).
    pub code: String,
    /// Invoice number.
    pub number: String,
    /// Amount: excluding tax (2019, railway) or including tax (数电票).
    pub amount: String,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Check code (empty on 数电票 and railway).
    pub check_code: String,
}

/// Reads a QR text: `01,<type>,<code>,<number>,<amount>,<yyyymmdd>,<check>,<hex>[,]`, or the
/// railway form `01,<type>,<20-digit number>,<amount>,<yyyymmdd>,<hex>`.
pub fn parse_graph_code(text: &str) -> Option<GraphCode> {
    let f: Vec<&str> = text.trim().split(',').map(str::trim).collect();
    if f.first() != Some(&"01") {
        return None;
    }
    let railway = f.len() == 6 && f[2].len() == 20;
    let g = if railway {
        GraphCode {
            type_code: f[1].into(),
            number: f[2].into(),
            amount: f[3].into(),
            date: date(f[4])?,
            ..GraphCode::default()
        }
    } else if f.len() >= 7 {
        GraphCode {
            type_code: f[1].into(),
            code: f[2].into(),
            number: f[3].into(),
            amount: f[4].into(),
            date: date(f[5])?,
            check_code: f[6].into(),
        }
    } else {
        return None;
    };
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_amounts_and_dates() {
        assert_eq!(cents("¥526.00"), Some(52600));
        assert_eq!(cents("15.3"), Some(1530));
        assert_eq!(cents("-0.01"), Some(-1));
        assert_eq!(cents("***"), None);
        assert_eq!(cents("510.679612"), None);
        assert_eq!(decimal("510.6800").as_deref(), Some("510.68"));
        assert_eq!(decimal("¥ 1.0").as_deref(), Some("1"));
        assert_eq!(decimal("3%"), None);
        assert_eq!(date("2020年07月23日").as_deref(), Some("2020-07-23"));
        assert_eq!(date("20200723").as_deref(), Some("2020-07-23"));
        assert_eq!(date("2025-08-08 12:06:33").as_deref(), Some("2025-08-08"));
        assert_eq!(date("2020年13月23日"), None);
    }

    #[test]
    fn reads_graph_codes() {
        let g = parse_graph_code("01,10,033002000211,83089647,510.68,20200723,16197833567414507415,0941,").unwrap();
        assert_eq!(
            (g.code.as_str(), g.number.as_str(), g.date.as_str()),
            ("033002000211", "83089647", "2020-07-23")
        );
        let g = parse_graph_code("01,31,,24112000000048542163,4449.00,20240528,,B2B6").unwrap();
        assert_eq!((g.code.as_str(), g.amount.as_str()), ("", "4449.00"));
        let g = parse_graph_code("01,10,22119130671000000049,166.05,20220317,b2b2").unwrap();
        assert_eq!(g.number, "22119130671000000049");
        assert!(parse_graph_code("02,10").is_none());
    }
}
