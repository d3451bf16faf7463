//! The test-invoice generator: 2019-layout VAT e-invoice OFDs (original_invoice.xml in the
//! 2019 namespace, CustomTags mapping its fields to page text objects, OFD.xml CustomData)
//! sealed with `ofd::sign_ofd` under a seal yinjian makes with the SM2 test PKI
//! (maker `leaf-seal`, signer `leaf`), and the variants the invoice checks must catch.

use std::io::{Cursor, Read, Write};

use yinjian::ofd::{sign_ofd, OfdSigner, StampPlacement};
use yinjian::seal::make::{make_seal, SealSpec};
use yinjian::seal::SealVersion;

use super::common::{cert, key, t};

/// A seal name that marks a tax authority (the real ones read 国家税务总局浙江省税务局).
pub const TAX_SEAL: &str = "国家税务总局测试省税务局";

/// What one generated invoice says, and how it is to be spoiled.
#[derive(Clone)]
pub struct Gen {
    /// Invoice code and number.
    pub code: String,
    pub number: String,
    /// Buyer's tax ID in the XML, on the page and in CustomData.
    pub buyer_tax_id: String,
    /// The total including tax in the XML / on the page.
    pub xml_incl: String,
    pub page_incl: String,
    /// GraphCode text.
    pub graph_code: String,
    /// Object the CustomTag of BuyerName points to.
    pub buyer_name_object: u32,
    /// Leave the invoice XML (and its attachment list) out of the seal.
    pub xml_uncovered: bool,
    /// The seal's name.
    pub seal_name: String,
    /// Signing time.
    pub at: String,
    /// The test PKI name of the signer's certificate and key.
    pub signer: &'static str,
}

impl Default for Gen {
    fn default() -> Gen {
        Gen {
            code: "044031900111".into(),
            number: "12345678".into(),
            buyer_tax_id: "91320115MA202UKD7X".into(),
            xml_incl: "515.00".into(),
            page_incl: "515.00".into(),
            graph_code: "01,10,044031900111,12345678,500.00,20260520,12345678901234567890,A1B2,".into(),
            buyer_name_object: 14,
            xml_uncovered: false,
            seal_name: TAX_SEAL.into(),
            at: "2026-06-01T08:00:00Z".into(),
            signer: "leaf",
        }
    }
}

const SELLER: &str = "测试市样例餐饮有限公司";
const SELLER_ID: &str = "92330781MA2EDMFU50";
const BUYER: &str = "江苏样例采购有限公司";

fn text(id: u32, y: f64, s: &str) -> String {
    format!(
        "<ofd:TextObject ID=\"{id}\" Boundary=\"10 {y} 80 5\" Font=\"2\" Size=\"3.175\"><ofd:TextCode X=\"0\" Y=\"4\">{s}</ofd:TextCode></ofd:TextObject>"
    )
}

fn tag(name: &str, ids: &[u32]) -> String {
    let refs: String = ids
        .iter()
        .map(|id| format!("<ofd:ObjectRef PageRef=\"1\">{id}</ofd:ObjectRef>"))
        .collect();
    format!("<{name}>{refs}</{name}>")
}

impl Gen {
    /// The package's files: (name, bytes), the attachment files last.
    fn files(&self) -> Vec<(String, String)> {
        let g = self;
        let ofd = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" DocType=\"OFD\" Version=\"1.1\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>yinjian-invoice-{num}</ofd:DocID><ofd:Author>yinjian test</ofd:Author><ofd:CustomDatas><ofd:CustomData Name=\"发票代码\">{code}</ofd:CustomData><ofd:CustomData Name=\"发票号码\">{num}</ofd:CustomData><ofd:CustomData Name=\"合计金额\">500.00</ofd:CustomData><ofd:CustomData Name=\"合计税额\">15.00</ofd:CustomData><ofd:CustomData Name=\"开票日期\">2026年05月20日</ofd:CustomData><ofd:CustomData Name=\"校验码\">12345 67890 12345 67890</ofd:CustomData><ofd:CustomData Name=\"购买方纳税人识别号\">{bid}</ofd:CustomData><ofd:CustomData Name=\"销售方纳税人识别号\">{SELLER_ID}</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
            code = g.code,
            num = g.number,
            bid = g.buyer_tax_id
        );
        let document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CommonData><ofd:MaxUnitID>60</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages><ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments><ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>".to_owned();
        let public_res = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Res xmlns:ofd=\"http://www.ofdspec.org/2016\" BaseLoc=\"Res\"><ofd:Fonts><ofd:Font ID=\"2\" FontName=\"SimSun\"/></ofd:Fonts></ofd:Res>".to_owned();
        let page_objects = [
            text(10, 5.0, &g.code),
            text(11, 10.0, &g.number),
            text(12, 15.0, "2026年05月20日"),
            text(13, 20.0, "12345 67890 12345 67890"),
            text(14, 30.0, BUYER),
            text(15, 35.0, &g.buyer_tax_id),
            text(16, 104.0, SELLER),
            text(17, 108.0, SELLER_ID),
            text(18, 91.0, "¥"),
            text(19, 91.0, "500.00"),
            text(20, 91.0, "¥"),
            text(21, 91.0, "15.00"),
            text(22, 96.0, "¥"),
            text(23, 96.0, &g.page_incl),
            text(30, 56.0, "*餐饮服务*餐费"),
            text(31, 56.0, "300.00"),
            text(32, 56.0, "3%"),
            text(33, 56.0, "9.00"),
            text(34, 60.0, "*餐饮服务*包间费"),
            text(35, 60.0, "200.00"),
            text(36, 60.0, "3%"),
            text(37, 60.0, "6.00"),
        ]
        .concat();
        let page = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"3\">{page_objects}</ofd:Layer></ofd:Content></ofd:Page>"
        );
        let custom_tags = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:CustomTags xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CustomTag TypeID=\"\"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>".to_owned();
        let goods_tags: String = [30u32, 34]
            .iter()
            .map(|b| {
                format!(
                    "<GoodsInfo>{}{}{}{}</GoodsInfo>",
                    tag("Item", &[*b]),
                    tag("Amount", &[b + 1]),
                    tag("TaxScheme", &[b + 2]),
                    tag("TaxAmount", &[b + 3])
                )
            })
            .collect();
        let custom_tag = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><eInvoice xmlns:ofd=\"http://www.ofdspec.org/2016\">{}{}{}{}<Buyer>{}{}</Buyer><Seller>{}{}</Seller>{}{}{}<GoodsInfos>{goods_tags}</GoodsInfos></eInvoice>",
            tag("InvoiceCode", &[10]),
            tag("InvoiceNo", &[11]),
            tag("IssueDate", &[12]),
            tag("InvoiceCheckCode", &[13]),
            tag("BuyerName", &[g.buyer_name_object]),
            tag("BuyerTaxID", &[15]),
            tag("SellerName", &[16]),
            tag("SellerTaxID", &[17]),
            tag("TaxExclusiveTotalAmount", &[18, 19]),
            tag("TaxTotalAmount", &[20, 21]),
            tag("TaxInclusiveTotalAmount", &[22, 23]),
        );
        let goods = |item: &str, amount: &str, tax: &str| {
            format!("<fp:GoodsInfo><fp:Item>{item}</fp:Item><fp:Specification></fp:Specification><fp:Price>{amount}</fp:Price><fp:Quantity>1</fp:Quantity><fp:Amount>{amount}</fp:Amount><fp:TaxScheme>3%</fp:TaxScheme><fp:TaxAmount>{tax}</fp:TaxAmount></fp:GoodsInfo>")
        };
        let invoice = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><eInvoice xmlns:fp=\"http://www.edrm.org.cn/schema/e-invoice/2019\" Version=\"1.0\"><fp:DocID>01</fp:DocID><fp:InvoiceCode>{code}</fp:InvoiceCode><fp:InvoiceNo>{num}</fp:InvoiceNo><fp:TypeCode>0</fp:TypeCode><fp:IssueDate>2026年05月20日</fp:IssueDate><fp:InvoiceCheckCode>12345678901234567890</fp:InvoiceCheckCode><fp:MachineNo>927000000001</fp:MachineNo><fp:Buyer><fp:BuyerName>{BUYER}</fp:BuyerName><fp:BuyerTaxID>{bid}</fp:BuyerTaxID><fp:BuyerAddrTel></fp:BuyerAddrTel></fp:Buyer><fp:Seller><fp:SellerName>{SELLER}</fp:SellerName><fp:SellerTaxID>{SELLER_ID}</fp:SellerTaxID></fp:Seller><fp:TaxInclusiveTotalAmount>{incl}</fp:TaxInclusiveTotalAmount><fp:Note></fp:Note><fp:InvoiceClerk>管理员</fp:InvoiceClerk><fp:TaxTotalAmount>15.00</fp:TaxTotalAmount><fp:TaxExclusiveTotalAmount>500.00</fp:TaxExclusiveTotalAmount><fp:GraphCode>{gc}</fp:GraphCode><fp:YinjianTestElement>kept as extra</fp:YinjianTestElement><fp:GoodsInfos>{g1}{g2}</fp:GoodsInfos></eInvoice>",
            code = g.code,
            num = g.number,
            bid = g.buyer_tax_id,
            incl = g.xml_incl,
            gc = g.graph_code,
            g1 = goods("*餐饮服务*餐费", "300.00", "9.00"),
            g2 = goods("*餐饮服务*包间费", "200.00", "6.00"),
        );
        let attachments = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Attachments xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Attachment ID=\"50\" Name=\"original_invoice\" Format=\"xml\" Visible=\"false\"><ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>".to_owned();
        vec![
            ("OFD.xml".into(), ofd),
            ("Doc_0/Document.xml".into(), document),
            ("Doc_0/PublicRes.xml".into(), public_res),
            ("Doc_0/Pages/Page_0/Content.xml".into(), page),
            ("Doc_0/Tags/CustomTags.xml".into(), custom_tags),
            ("Doc_0/Tags/CustomTag.xml".into(), custom_tag),
            ("Doc_0/Attachs/Attachments.xml".into(), attachments),
            ("Doc_0/Attachs/original_invoice.xml".into(), invoice),
        ]
    }

    /// The sealed invoice OFD.
    pub fn build(&self) -> Vec<u8> {
        let files = self.files();
        let split = if self.xml_uncovered {
            files.len() - 2
        } else {
            files.len()
        };
        let unsigned = zip_of(&files[..split]);
        let seal = self.seal();
        let (k, c) = (key(self.signer), cert(self.signer));
        let signer = OfdSigner::Seal {
            seal: &seal,
            key: &k,
            cert: c.der(),
        };
        let placement = StampPlacement {
            page_index: 0,
            x: 90.0,
            y: 8.0,
            width: 30.0,
            height: 20.0,
        };
        let signed = sign_ofd(&unsigned, &signer, Some(placement), t(&self.at)).unwrap();
        if split == files.len() {
            return signed;
        }
        append(&signed, &files[split..])
    }

    /// The seal: named [`Gen::seal_name`], made by the test seal maker for signer `leaf`.
    fn seal(&self) -> Vec<u8> {
        let spec = SealSpec {
            version: SealVersion::V4,
            vendor: "yinjian-test".into(),
            es_id: "4403000000001".into(),
            seal_type: 1,
            name: self.seal_name.clone(),
            signer_certificates: vec![cert(self.signer).der().to_vec()],
            created: t("2026-02-01T00:00:00Z"),
            valid_from: t("2026-02-01T00:00:00Z"),
            valid_to: t("2028-02-01T00:00:00Z"),
            picture_type: "PNG".into(),
            picture: b"\x89PNG\r\n\x1a\n not really a picture".to_vec(),
            width_mm: 40,
            height_mm: 30,
        };
        make_seal(&spec, &key("leaf-seal"), cert("leaf-seal").der()).unwrap()
    }
}

fn zip_of(files: &[(String, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The package with more files added (after signing: no signature covers them).
pub fn append(package: &[u8], files: &[(String, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new_append(Cursor::new(package.to_vec())).unwrap();
    for (name, body) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The package with one entry's bytes replaced (after signing).
pub fn replace(package: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let entry = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if entry == name {
            bytes = edit(std::str::from_utf8(&bytes).unwrap()).into_bytes();
        }
        out.start_file(entry.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}
