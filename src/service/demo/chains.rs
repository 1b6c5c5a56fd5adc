//! The demo's chains (see the parent module's story): the linkage
//! contract, then rice, lychee, shrimp and the recall, each logged by its
//! signers through [`Demo::log`] with times counted back from today.

use super::{
    ACTORS, AUDITOR, AUTHORITY_BAC_NINH, AUTHORITY_CA_MAU, AUTHORITY_HUNG_YEN, CONTRACT, Demo,
    FRUIT_BUYER, LYCHEE_BOX, LYCHEE_COOP, LYCHEE_MEMBER, RECALL_SOURCE, RECALLED, RICE_BAG,
    RICE_BUYER, RICE_COOP, RICE_MEMBERS, SEAFOOD_BUYER, SHRIMP_COOP, SHRIMP_LOT, SHRIMP_MEMBER,
    ServiceError, TAN_LAP_COOP, TAN_LAP_MEMBER, actor, amount, bad, lot, quantity, region,
    rice_bag_gtin,
};
use crate::domain::builder::{self, input, output, product};
use crate::domain::ids::ContractId;
use crate::domain::product::{
    Category, Certification, Gtin, InspectResult, Origin, Process, Product, Scheme,
};
use crate::domain::quantity::{Quantity, Unit};
use crate::domain::time::{Day, HarvestTime, Timestamp};

/// Where a member's lot comes from: its household's commune and province
/// in words ("Xã Gia Hòa, Thành phố Cần Thơ"), at coordinates of at most
/// 2 decimals (about 1 km; spec §6.17).
fn origin(grower: &str, lat: f64, lon: f64) -> Result<Origin, ServiceError> {
    let a = ACTORS
        .iter()
        .find(|a| a.id == grower)
        .ok_or_else(|| bad(format!("no sample actor {grower}")))?;
    Ok(Origin {
        lat: Some(lat),
        lon: Some(lon),
        ..builder::place(&region(a)?.place())
    })
}

/// A VietGAP certificate valid until `until`.
fn vietgap(id: &str, until: Day) -> Vec<Certification> {
    vec![Certification {
        scheme: Scheme::VietGap,
        id: id.to_owned(),
        valid_until: Some(until),
    }]
}

/// A member household's lot, as its `batch.create` gives it.
struct Harvest {
    /// The member who grew it and logs it.
    grower: &'static str,
    /// Its batch id.
    batch: &'static str,
    product: Product,
    quantity: Quantity,
    /// Where from ([`origin`]).
    field: Origin,
    harvested: HarvestTime,
    /// When the member logs it.
    logged: Timestamp,
    certifications: Option<Vec<Certification>>,
}

impl Demo<'_> {
    /// The grower logs `h`, then ships it to its cooperative `coop` at the
    /// first of `times`, which receives it at the second.
    async fn deliver(
        &self,
        h: Harvest,
        coop: &str,
        (shipped, received): (Timestamp, Timestamp),
    ) -> Result<(), ServiceError> {
        let batch = lot(h.batch)?;
        self.log(h.grower, h.logged, |b| {
            let d = b
                .batch_create(&batch, h.product, h.quantity, h.field)
                .harvested_at(h.harvested);
            match h.certifications {
                Some(c) => d.certifications(c),
                None => d,
            }
        })
        .await?;
        self.ship(h.grower, coop, h.batch, shipped, received).await
    }

    /// The rice company offers a one-year linkage contract for ST25 rice
    /// that began four weeks ago; the cooperative accepts it.
    pub(super) async fn contract(&self) -> Result<(), ServiceError> {
        let contract = ContractId::parse(CONTRACT).map_err(bad)?;
        let (coop, business) = (actor(RICE_COOP.id)?, actor(RICE_BUYER)?);
        let period = (self.date(-28), self.date(-28 + 364));
        let volume = quantity("120", Unit::T)?;
        self.log(RICE_BUYER, self.at(30, 10, 0), |b| {
            b.contract_offer(&contract, &coop, &business, Category::Rice, period)
                .volume(volume)
        })
        .await?;
        self.log(RICE_COOP.id, self.at(29, 8, 30), |b| {
            b.contract_accept(&contract)
        })
        .await?;
        Ok(())
    }

    /// Xã Vũ Thư, Hưng Yên: a member's paddy, milled by the cooperative
    /// (the lot the authority recalls later).
    pub(super) async fn tan_lap_rice(&self) -> Result<(), ServiceError> {
        let coop = TAN_LAP_COOP.id;
        let paddy = Harvest {
            grower: TAN_LAP_MEMBER,
            batch: RECALL_SOURCE,
            product: product(Category::Rice, "Lúa Bắc Thơm số 7"),
            quantity: quantity("3.6", Unit::T)?,
            field: origin(TAN_LAP_MEMBER, 20.44, 106.29)?,
            harvested: self.harvest(25, 6, 30)?,
            logged: self.at(25, 15, 0),
            certifications: None,
        };
        let times = (self.at(24, 7, 0), self.at(24, 8, 0));
        self.deliver(paddy, coop, times).await?;
        let paddy = lot(RECALL_SOURCE)?;
        let milled = output(
            &lot(RECALLED)?,
            product(Category::Rice, "Gạo Bắc Thơm số 7 Tân Lập"),
            quantity("2.34", Unit::T)?,
        );
        let inputs = vec![input(&paddy, amount("3.6")?)];
        self.log(coop, self.at(22, 8, 0), |b| {
            b.transform(Process::Milling, inputs, vec![milled])
        })
        .await?;
        Ok(())
    }

    /// Xã Gia Hòa, Cần Thơ: three members' ST25 paddy → merge → drying →
    /// milling → 5 kg bags → the rice company, under the contract.
    pub(super) async fn st25_rice(&self) -> Result<(), ServiceError> {
        let coop = RICE_COOP.id;
        let certs = vietgap("VietGAP-TT-15-05-94-0031", self.date(540));
        // (member, lot, tonnes, lat, lon): rice–shrimp fields of Gia Hòa,
        // to about 1 km.
        let lots = [
            (RICE_MEMBERS[0], "GH-LUA-01", "6.8", 9.5, 105.92),
            (RICE_MEMBERS[1], "GH-LUA-02", "4.25", 9.49, 105.91),
            (RICE_MEMBERS[2], "GH-LUA-03", "5.5", 9.51, 105.93),
        ];
        for (i, (grower, batch, tonnes, lat, lon)) in (0..).zip(lots) {
            let paddy = Harvest {
                grower,
                batch,
                product: product(Category::Rice, "Lúa ST25 (mô hình lúa – tôm)"),
                quantity: quantity(tonnes, Unit::T)?,
                field: origin(grower, lat, lon)?,
                harvested: self.harvest(20, 7 + i, 0)?,
                logged: self.at(20, 16, 20 * i),
                certifications: Some(certs.clone()),
            };
            let times = (self.at(19, 7, 40 * i), self.at(19, 7, 40 * i + 25));
            self.deliver(paddy, coop, times).await?;
        }
        let merged = lots
            .iter()
            .map(|(_, id, t, ..)| Ok(input(&lot(id)?, amount(t)?)))
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let steps = [
            // (process, days ago, output, product, tonnes): each step
            // takes the whole of the one before.
            (
                Process::Merge,
                18,
                "GH-LUA-GOP-01",
                "Lúa ST25 tươi (gộp từ 3 hộ thành viên)",
                "16.55",
            ),
            (
                Process::Drying,
                17,
                "GH-LUA-SAY-01",
                "Lúa ST25 đã sấy (ẩm độ 14%)",
                "14.63",
            ),
            (
                Process::Milling,
                16,
                "GH-GAO-ST25-01",
                "Gạo ST25 xát trắng",
                "9.51",
            ),
        ];
        let mut inputs = merged;
        for (process, days, out, name, tonnes) in steps {
            let (out, tonnes) = (lot(out)?, quantity(tonnes, Unit::T)?);
            let made = output(&out, product(Category::Rice, name), tonnes);
            self.transform(coop, days, process, inputs, made).await?;
            inputs = vec![input(&out, tonnes.amount)];
        }
        // 9.51 t in 5 kg bags.
        let bag = Product {
            gtin: Gtin::parse(&rice_bag_gtin()),
            net: Some(quantity("5", Unit::Kg)?),
            ..product(Category::Rice, "Gạo ST25 Gia Hòa – túi 5 kg")
        };
        let bags = output(&lot(RICE_BAG)?, bag, quantity("1902", Unit::Piece)?);
        self.transform(coop, 15, Process::Packing, inputs, bags)
            .await?;
        let (bag, buyer) = (lot(RICE_BAG)?, actor(RICE_BUYER)?);
        let contract = ContractId::parse(CONTRACT).map_err(bad)?;
        self.log(coop, self.at(12, 7, 0), |b| {
            b.ship(&bag, &buyer).contract(&contract)
        })
        .await?;
        self.log(RICE_BUYER, self.at(11, 9, 30), |b| b.receive(&bag, true))
            .await?;
        Ok(())
    }

    /// Phượng Sơn, Bắc Ninh (Lục Ngạn lychee): a member's lychee → the
    /// cooperative → OCOP gift boxes, inspected → the fruit company.
    pub(super) async fn lychee(&self) -> Result<(), ServiceError> {
        let coop = LYCHEE_COOP.id;
        let kg = quantity("1450", Unit::Kg)?;
        let fruit = Harvest {
            grower: LYCHEE_MEMBER,
            batch: "VT-PS-01",
            product: product(Category::Fruit, "Vải thiều Lục Ngạn"),
            quantity: kg,
            field: origin(LYCHEE_MEMBER, 21.39, 106.55)?,
            harvested: self.harvest(10, 5, 0)?,
            logged: self.at(10, 8, 30),
            certifications: Some(vietgap("VietGAP-TT-13-05-24-0127", self.date(420))),
        };
        let times = (self.at(10, 9, 0), self.at(10, 9, 40));
        self.deliver(fruit, coop, times).await?;
        let fruit = lot("VT-PS-01")?;
        // Sorted and packed: 680 boxes of 2 kg; the rest is sold loose.
        let boxes = Product {
            ocop_stars: builder::stars(4),
            net: Some(quantity("2", Unit::Kg)?),
            ..product(Category::Fruit, "Vải thiều Lục Ngạn – hộp quà 2 kg")
        };
        let boxes = output(&lot(LYCHEE_BOX)?, boxes, quantity("680", Unit::Box)?);
        let inputs = vec![input(&fruit, kg.amount)];
        self.log(coop, self.at(10, 14, 0), |b| {
            b.transform(Process::Packing, inputs, vec![boxes])
        })
        .await?;
        self.inspect(
            AUDITOR,
            self.at(9, 7, 30),
            LYCHEE_BOX,
            InspectResult::Pass,
            Scheme::VietGap,
            "Biên bản đánh giá giám sát VietGAP số 127/2026/GS, HTX Vải thiều Phượng Nam: \
             nhật ký canh tác đầy đủ, thời gian cách ly thuốc BVTV được tuân thủ; đạt.",
            "Đánh giá giám sát tại vườn và khu sơ chế của HTX; hồ sơ truy xuất lô vải đầy đủ.",
        )
        .await?;
        self.inspect(
            AUTHORITY_BAC_NINH,
            self.at(9, 8, 15),
            LYCHEE_BOX,
            InspectResult::Pass,
            Scheme::FoodSafety,
            "Phiếu kết quả kiểm nghiệm: mẫu vải thiều hộp quà 2 kg, 3 mẫu ngẫu nhiên; \
             dư lượng thuốc BVTV nhóm phốt pho hữu cơ và carbamat: không phát hiện.",
            "Lấy 3 hộp ngẫu nhiên tại kho HTX; dư lượng thuốc bảo vệ thực vật dưới giới hạn cho phép.",
        )
        .await?;
        self.ship(
            coop,
            FRUIT_BUYER,
            LYCHEE_BOX,
            self.at(9, 10, 0),
            self.at(9, 13, 30),
        )
        .await
    }

    /// Xã Tân Hưng, Cà Mau: a member's tiger shrimp → the cooperative,
    /// inspected for the cold chain at loading → the seafood company.
    pub(super) async fn shrimp(&self) -> Result<(), ServiceError> {
        let coop = SHRIMP_COOP.id;
        let shrimp = Harvest {
            grower: SHRIMP_MEMBER,
            batch: SHRIMP_LOT,
            product: product(Category::Seafood, "Tôm sú nuôi quảng canh cải tiến"),
            quantity: quantity("385.5", Unit::Kg)?,
            field: origin(SHRIMP_MEMBER, 8.93, 105.06)?,
            harvested: self.harvest(6, 4, 30)?,
            logged: self.at(6, 7, 0),
            certifications: Some(vietgap("VietGAP-TS-11-04-96-0008", self.date(300))),
        };
        let times = (self.at(6, 7, 30), self.at(6, 8, 0));
        self.deliver(shrimp, coop, times).await?;
        self.inspect(
            AUTHORITY_CA_MAU,
            self.at(6, 12, 0),
            SHRIMP_LOT,
            InspectResult::Pass,
            Scheme::FoodSafety,
            "Biên bản kiểm tra điều kiện bảo quản lạnh số 58/BB-QLCL: nhiệt độ thân tôm 1,8 °C; \
             tỉ lệ đá vảy/tôm 1:1; thùng xe bảo ôn 2 °C; đạt yêu cầu.",
            "Kiểm tra chuỗi lạnh khi bốc hàng: nhiệt độ thân tôm 1,8 °C (yêu cầu ≤ 4 °C), ướp đá vảy tỉ lệ 1:1, thùng xe bảo ôn 2 °C.",
        )
        .await?;
        self.ship(
            coop,
            SEAFOOD_BUYER,
            SHRIMP_LOT,
            self.at(6, 13, 0),
            self.at(6, 18, 30),
        )
        .await
    }

    /// Hưng Yên: the retained sample of the paddy fails; the authority
    /// recalls the paddy, and so the milled rice made from it.
    pub(super) async fn recall(&self) -> Result<(), ServiceError> {
        self.inspect(
            AUTHORITY_HUNG_YEN,
            self.at(5, 9, 0),
            RECALL_SOURCE,
            InspectResult::Fail,
            Scheme::FoodSafety,
            "Phiếu kết quả thử nghiệm mẫu lưu lô lúa TL-LUA-01: tricyclazole 0,09 mg/kg, \
             vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT.",
            "Mẫu lưu của lô lúa có dư lượng tricyclazole vượt giới hạn tối đa cho phép (MRL).",
        )
        .await?;
        let paddy = lot(RECALL_SOURCE)?;
        self.log(AUTHORITY_HUNG_YEN, self.at(4, 8, 0), |b| {
            b.recall(&paddy, "Dư lượng tricyclazole trong mẫu lưu vượt giới hạn tối đa cho phép theo Thông tư 50/2016/TT-BYT; thu hồi toàn bộ gạo xay xát từ lô lúa này để xử lý theo quy định.")
        })
        .await?;
        Ok(())
    }
}
