package demo

import (
	"context"
	"fmt"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Building is the demo office's one building; the office has floors 3 to 5.
const Building = "БЦ «Невский», Невский пр., 90"

// device is one device or place of the demo office; typ is the English name of a
// starter service type, owner the e-mail of a demo account (a personal laptop).
type device struct {
	typ, name, floor, room, inventory, instructions, owner string
	archived                                               bool
}

// devices of the demo office: about fifty over three floors, each with its QR label.
var devices = []device{
	// Floor 3: reception, the big kitchen, meeting rooms «Байкал» and «Ладога».
	{typ: "Coffee machine", name: "Кофемашина у переговорной «Байкал»", floor: "3", room: "Кухня, у переговорной «Байкал»", inventory: "INV-000101",
		instructions: "Зёрна и молоко лежат в шкафу над кофемашиной. Контейнер для жмыха вынимается спереди.\nИнструкция: https://wiki.demo.office/kofemashina"},
	{typ: "Printer or MFP", name: "МФУ Kyocera у ресепшн", floor: "3", room: "Ресепшн", inventory: "INV-000201",
		instructions: "Бумага — в тумбе под МФУ. Как отсканировать документ себе на почту: https://wiki.demo.office/mfu"},
	{typ: "Fridge", name: "Холодильник на кухне 3 этажа", floor: "3", room: "Кухня", inventory: "INV-000301",
		instructions: "В пятницу в 18:00 холодильник освобождают: подпишите свою еду."},
	{typ: "Dishwasher", name: "Посудомоечная машина на кухне 3 этажа", floor: "3", room: "Кухня", inventory: "INV-000311"},
	{typ: "Microwave", name: "Микроволновка на кухне 3 этажа", floor: "3", room: "Кухня", inventory: "INV-000321"},
	{typ: "Kettle", name: "Чайник на кухне 3 этажа", floor: "3", room: "Кухня", inventory: "INV-000331"},
	{typ: "Water cooler", name: "Кулер у ресепшн", floor: "3", room: "Ресепшн", inventory: "INV-000401"},
	{typ: "Vending machine", name: "Снековый автомат у лифтов", floor: "3", room: "Лифтовой холл", inventory: "INV-000501"},
	{typ: "Pantry supplies", name: "Чай, сахар и печенье на кухне 3 этажа", floor: "3", room: "Кухня"},
	{typ: "Kitchen area", name: "Кухня 3 этажа", floor: "3", room: "Кухня"},
	{typ: "Meeting room", name: "Переговорная «Байкал»", floor: "3", room: "301"},
	{typ: "Meeting room", name: "Переговорная «Ладога»", floor: "3", room: "305"},
	{typ: "Meeting room screen or projector", name: "Экран в переговорной «Байкал»", floor: "3", room: "301", inventory: "INV-000601",
		instructions: "Кабель HDMI и переходник USB-C лежат в ящике стола. Пульт — на стене у двери."},
	{typ: "Restroom", name: "Санузел 3 этажа, мужской", floor: "3", room: "У лифтов, слева"},
	{typ: "Restroom", name: "Санузел 3 этажа, женский", floor: "3", room: "У лифтов, справа"},
	{typ: "Stationery cabinet", name: "Шкаф с канцелярией у ресепшн", floor: "3", room: "Ресепшн"},
	{typ: "Access control", name: "Турникет на входе в офис", floor: "3", room: "Вход", inventory: "INV-000701"},
	{typ: "First aid kit", name: "Аптечка у ресепшн", floor: "3", room: "Ресепшн"},
	{typ: "Open-space zone", name: "Open space «Север»", floor: "3", room: "Open space 3-1"},
	// Floor 4: accounting, HR, meeting rooms «Онега» and «Селигер».
	{typ: "Coffee machine", name: "Кофемашина на кухне 4 этажа", floor: "4", room: "Кухня", inventory: "INV-000102"},
	{typ: "Printer or MFP", name: "Принтер HP в бухгалтерии", floor: "4", room: "Бухгалтерия, 412", inventory: "INV-000202"},
	{typ: "Printer or MFP", name: "МФУ Canon у отдела кадров", floor: "4", room: "Коридор у 420", inventory: "INV-000203"},
	{typ: "Fridge", name: "Холодильник на кухне 4 этажа", floor: "4", room: "Кухня", inventory: "INV-000302"},
	{typ: "Microwave", name: "Микроволновка на кухне 4 этажа", floor: "4", room: "Кухня", inventory: "INV-000322"},
	{typ: "Water cooler", name: "Кулер на кухне 4 этажа", floor: "4", room: "Кухня", inventory: "INV-000402"},
	{typ: "Kitchen area", name: "Кухня 4 этажа", floor: "4", room: "Кухня"},
	{typ: "Bins and recycling", name: "Мусор и переработка у кухни 4 этажа", floor: "4", room: "Кухня"},
	{typ: "Meeting room", name: "Переговорная «Онега»", floor: "4", room: "401"},
	{typ: "Meeting room", name: "Переговорная «Селигер»", floor: "4", room: "407"},
	{typ: "Video conferencing", name: "Видеосвязь в переговорной «Онега»", floor: "4", room: "401", inventory: "INV-000611",
		instructions: "Звонок начинается кнопкой «Присоединиться» на планшете у экрана. Памятка: https://wiki.demo.office/videosvyaz"},
	{typ: "Restroom", name: "Санузел 4 этажа", floor: "4", room: "У лифтов"},
	{typ: "Wi-Fi and network", name: "Wi-Fi на 4 этаже", floor: "4", room: "Open space 4-1", inventory: "INV-000801"},
	{typ: "Lighting", name: "Освещение в open space 4 этажа", floor: "4", room: "Open space 4-1"},
	{typ: "IP phone", name: "IP-телефон в бухгалтерии", floor: "4", room: "Бухгалтерия, 412", inventory: "INV-000901"},
	{typ: "Heating", name: "Радиаторы в бухгалтерии", floor: "4", room: "Бухгалтерия, 412"},
	// Floor 5: development and marketing, the lounge, meeting rooms «Волга» and «Енисей».
	{typ: "Coffee machine", name: "Кофемашина в лаунж-зоне", floor: "5", room: "Лаунж", inventory: "INV-000103"},
	{typ: "Coffee machine", name: "Старая кофемашина Saeco", floor: "5", room: "Склад, 515", inventory: "INV-000099", archived: true},
	{typ: "Printer or MFP", name: "МФУ Canon в open space", floor: "5", room: "Open space 5-1", inventory: "INV-000204"},
	{typ: "Printer or MFP", name: "Цветной принтер у отдела маркетинга", floor: "5", room: "Маркетинг, 508", inventory: "INV-000205"},
	{typ: "Fridge", name: "Холодильник в лаунж-зоне", floor: "5", room: "Лаунж", inventory: "INV-000303"},
	{typ: "Water cooler", name: "Кулер в open space 5 этажа", floor: "5", room: "Open space 5-1", inventory: "INV-000403"},
	{typ: "Vending machine", name: "Автомат с напитками в лаунж-зоне", floor: "5", room: "Лаунж", inventory: "INV-000502"},
	{typ: "Kitchen area", name: "Лаунж-зона с кухней", floor: "5", room: "Лаунж"},
	{typ: "Meeting room", name: "Переговорная «Волга»", floor: "5", room: "501"},
	{typ: "Meeting room", name: "Переговорная «Енисей»", floor: "5", room: "503"},
	{typ: "Meeting room screen or projector", name: "Проектор в переговорной «Волга»", floor: "5", room: "501", inventory: "INV-000602"},
	{typ: "Restroom", name: "Санузел 5 этажа", floor: "5", room: "У лифтов"},
	{typ: "Stationery cabinet", name: "Шкаф с канцелярией в open space", floor: "5", room: "Open space 5-1"},
	{typ: "Air conditioning", name: "Кондиционер в open space 5 этажа", floor: "5", room: "Open space 5-1", inventory: "INV-001001"},
	// Personal laptops: only their owners, staff and admins see them.
	{typ: "Laptop", name: "Ноутбук Lenovo ThinkPad T14 (Анна Петрова)", floor: "4", room: "Бухгалтерия, 412", inventory: "INV-002001",
		owner: "anna.petrova@demo.office", instructions: "Зарядка — USB-C, 65 Вт. Пароль от диска знает только владелец."},
	{typ: "Laptop", name: "Ноутбук Apple MacBook Air (Ольга Смирнова)", floor: "3", room: "Ресепшн", inventory: "INV-002002", owner: "olga.smirnova@demo.office"},
	{typ: "Laptop", name: "Ноутбук Huawei MateBook (Сергей Волков)", floor: "4", room: "Кабинет руководителя АХО, 402", inventory: "INV-002003", owner: "sergey.volkov@demo.office"},
}

// loadDevices loads the demo devices into the starter catalogue as admin; owners
// are found among the demo accounts.
func loadDevices(ctx context.Context, d *db.DB, admin *users.User, accounts []*users.User) ([]*assets.Asset, error) {
	svc := assets.NewService(d, nil)
	types, err := svc.Types(ctx, 0)
	if err != nil {
		return nil, err
	}
	typeIDs := map[string]int64{}
	for _, t := range types {
		typeIDs[t.EN] = t.ID
	}
	owners := map[string]int64{}
	for _, u := range accounts {
		owners[u.Email] = u.ID
	}
	var out []*assets.Asset
	for _, dev := range devices {
		typeID, ok := typeIDs[dev.typ]
		if !ok {
			return nil, fmt.Errorf("device %q: no starter type %q", dev.name, dev.typ)
		}
		var ownerID int64
		if dev.owner != "" {
			if ownerID, ok = owners[dev.owner]; !ok {
				return nil, fmt.Errorf("device %q: no demo account %s", dev.name, dev.owner)
			}
		}
		a, err := svc.CreateAsset(ctx, admin, assets.AssetInput{Name: dev.name, TypeID: typeID, InventoryNumber: dev.inventory,
			Location: assets.Location{Building: Building, Floor: dev.floor, Room: dev.room}, Instructions: dev.instructions,
			OwnerID: ownerID, Archived: dev.archived})
		if err != nil {
			return nil, fmt.Errorf("device %q: %w", dev.name, err)
		}
		out = append(out, a)
	}
	return out, nil
}
