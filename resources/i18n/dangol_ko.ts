<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR">
<context>
    <name>ConnectForm</name>
    <message>
        <location filename="../../ui/connections.py" line="131" />
        <location filename="../../ui/connections.py" line="134" />
        <source>Connect %1</source>
        <translation>%1 연결</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="147" />
        <source>e.g. %1</source>
        <translation>예: %1</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="154" />
        <source>%1 (optional)</source>
        <translation>%1 (선택)</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="160" />
        <source>Keys and passwords are kept in this PC's system keyring, never in the shop's data file.</source>
        <translation>키와 비밀번호는 이 PC의 시스템 키체인에만 보관되고, 쇼핑몰 데이터 파일에는 저장되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="170" />
        <source>Connect</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="173" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="195" />
        <source>Checking with the shop…</source>
        <translation>쇼핑몰에 확인하는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="219" />
        <source>Stopped; nothing was saved.</source>
        <translation>멈췄습니다. 아무것도 저장하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="221" />
        <source>Not connected: %1</source>
        <translation>연결하지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="227" />
        <source>Stopping…</source>
        <translation>멈추는 중…</translation>
    </message>
</context>
<context>
    <name>ConnectionsDialog</name>
    <message>
        <location filename="../../ui/connections.py" line="315" />
        <location filename="../../ui/connections.py" line="318" />
        <source>Shop connections</source>
        <translation>쇼핑몰 연결</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="320" />
        <source>Connect your shop and its orders and customers come in by themselves. To bring in an exported file instead, use File › Import a shop file.</source>
        <translation>쇼핑몰을 연결하면 주문과 고객이 저절로 들어옵니다. 내려받은 파일로 가져오려면 파일 › 쇼핑몰 파일 가져오기를 쓰세요.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="341" />
        <source>Sync automatically every</source>
        <translation>자동 동기화 간격</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="345" />
        <source> min</source>
        <translation>분</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="346" />
        <source>off</source>
        <translation>끄기</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="355" />
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="387" />
        <source>Connected shops are synced only when you press Sync now.</source>
        <translation>연결된 쇼핑몰은 '지금 동기화'를 누를 때만 동기화합니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="389" />
        <source>The runner is not running, so nothing is synced by itself until you start it (status bar).</source>
        <translation>자동 실행기가 꺼져 있어, 켜기 전까지는 저절로 동기화하지 않습니다(아래 상태 표시줄).</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="392" />
        <source>The runner syncs every connected shop this often.</source>
        <translation>자동 실행기가 연결된 쇼핑몰을 이 간격으로 동기화합니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="401" />
        <source>Syncing (the runner)…</source>
        <translation>동기화 중(자동 실행기)…</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="404" />
        <source>● Connected</source>
        <translation>● 연결됨</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="407" />
        <source>Not connected</source>
        <translation>연결 안 됨</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="414" />
        <source>Last sync: %1 (%2)</source>
        <translation>마지막 동기화: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="420" />
        <source>Not synced yet</source>
        <translation>아직 동기화 안 함</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="425" />
        <source>Last sync failed (%1): %2</source>
        <translation>마지막 동기화 실패 (%1): %2</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="426" />
        <source>Last sync failed: %1</source>
        <translation>마지막 동기화 실패: %1</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="428" />
        <source>Connect again…</source>
        <translation>다시 연결…</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="428" />
        <source>Connect…</source>
        <translation>연결…</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="429" />
        <source>Sync now</source>
        <translation>지금 동기화</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="430" />
        <location filename="../../ui/connections.py" line="510" />
        <source>Disconnect</source>
        <translation>연결 끊기</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="431" />
        <location filename="../../ui/connections.py" line="511" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="446" />
        <source>just now</source>
        <translation>방금</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="448" />
        <source>%1 min ago</source>
        <translation>%1분 전</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="450" />
        <source>%1 h ago</source>
        <translation>%1시간 전</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="451" />
        <source>%1 days ago</source>
        <translation>%1일 전</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="456" />
        <source>nothing new</source>
        <translation>새로 바뀐 것 없음</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="457" />
        <source>brought in orders: %1, customers: %2</source>
        <translation>주문 %1건, 고객 %2명을 가져옴</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="468" />
        <source>Orders brought in: %1 (%2 new); customers: %3.</source>
        <translation>주문 %1건(새 주문 %2건)과 고객 %3명을 가져왔습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="467" />
        <source>Synced: nothing changed since the last sync.</source>
        <translation>동기화했습니다. 지난번 이후 바뀐 것이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="471" />
        <source>The %1 orders brought in before that are kept.</source>
        <translation>그 전까지 가져온 주문 %1건은 저장되었습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="474" />
        <source>Stopped; the next sync goes on from here.</source>
        <translation>동기화를 멈췄습니다. 다음 동기화가 여기서 이어 갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="497" />
        <source>Connected (%1). Press Sync now to bring in the orders.</source>
        <translation>연결했습니다(%1). '지금 동기화'를 누르면 주문을 가져옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="507" />
        <source>Disconnect %1</source>
        <translation>%1 연결 끊기</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="508" />
        <source>Disconnect %1? Its keys are removed from this PC and it is no longer synced. The orders and customers already brought in stay.</source>
        <translation>%1 연결을 끊을까요? 이 PC에 보관한 키를 지우고 더는 동기화하지 않습니다. 이미 가져온 주문과 고객은 그대로 남습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="522" />
        <source>Disconnected. The data already brought in stays.</source>
        <translation>연결을 끊었습니다. 이미 가져온 데이터는 그대로 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="543" />
        <source>Syncing… you can close this window; the sync goes on.</source>
        <translation>동기화하는 중… 이 창을 닫아도 동기화는 계속됩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="550" />
        <source>Stopping…</source>
        <translation>멈추는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="568" />
        <source>%1 is being synced already (by the runner); its result shows here when it ends.</source>
        <translation>%1은(는) 이미 동기화하고 있습니다(자동 실행기). 끝나면 결과가 여기에 나옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="583" />
        <source>Not saved: %1</source>
        <translation>저장하지 않았습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/connections.py" line="587" />
        <source>Saved.</source>
        <translation>저장했습니다.</translation>
    </message>
</context>
<context>
    <name>CustomerDialog</name>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="63" />
        <source>Tags and fields</source>
        <translation>태그와 고객 항목</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="67" />
        <source>e.g. parent</source>
        <translation>예: 학부모</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="68" />
        <source>Add tag</source>
        <translation>태그 추가</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="69" />
        <source>Remove tag</source>
        <translation>태그 빼기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="73" />
        <source>Tag</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="76" />
        <source>field, e.g. interest</source>
        <translation>항목 이름, 예: 관심</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="78" />
        <source>value (empty removes it)</source>
        <translation>값 (비우면 항목 삭제)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="79" />
        <source>Set field</source>
        <translation>항목 저장</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="83" />
        <source>Field</source>
        <translation>고객 항목</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="89" />
        <source>Profile</source>
        <translation>정보</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="91" />
        <source>Date</source>
        <translation>날짜</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="91" />
        <source>Order</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="91" />
        <source>Amount</source>
        <translation>금액</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="91" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="96" />
        <location filename="../../ui/pages/customer_detail.py" line="153" />
        <source>Orders</source>
        <translation>주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="100" />
        <source>Consent (changes are recorded with the date)</source>
        <translation>수신 동의 (바꾸면 날짜와 함께 기록됩니다)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="116" />
        <source>Consent</source>
        <translation>수신 동의</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="122" />
        <source>Journey timeline</source>
        <translation>여정 기록</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="147" />
        <source>Phone</source>
        <translation>전화번호</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="147" />
        <source>Email</source>
        <translation>이메일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="148" />
        <source>Member id</source>
        <translation>회원 아이디</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="148" />
        <source>(guest)</source>
        <translation>(비회원)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="149" />
        <source>Shop member grade</source>
        <translation>쇼핑몰 회원등급</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="150" />
        <source>Membership tier</source>
        <translation>멤버십 등급</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="151" />
        <source>Birthday</source>
        <translation>생일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="152" />
        <source>Signed up</source>
        <translation>가입일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="153" />
        <source>Total spent</source>
        <translation>총 구매액</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="154" />
        <source>Average order</source>
        <translation>평균 주문 금액</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="155" />
        <source>First order</source>
        <translation>첫 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="156" />
        <source>Last order</source>
        <translation>마지막 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="157" />
        <source>Tags</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="158" />
        <source>Fields</source>
        <translation>고객 항목</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="173" />
        <source>never asked</source>
        <translation>받은 적 없음</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="178" />
        <source>No journey has reached this customer yet.</source>
        <translation>아직 이 고객에게 닿은 여정이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="217" />
        <source>at sign-up</source>
        <translation>가입 때</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="217" />
        <source>opted out</source>
        <translation>수신 거부</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="217" />
        <source>changed by you</source>
        <translation>직접 변경</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="218" />
        <source>imported</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customer_detail.py" line="218" />
        <source>from the shop</source>
        <translation>쇼핑몰 연동</translation>
    </message>
</context>
<context>
    <name>CustomersPage</name>
    <message>
        <location filename="../../ui/pages/customers.py" line="185" />
        <source>Customers</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="188" />
        <source>Search by name, phone number or email</source>
        <translation>이름, 전화번호, 이메일로 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="191" />
        <source>All customers</source>
        <translation>전체 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="205" />
        <source>Show all customers</source>
        <translation>모든 고객 보기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="210" />
        <source>Add to a journey…</source>
        <translation>여정에 넣기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="211" />
        <source>The selected customers (or, with none selected, everyone listed) into a live journey that starts 'added by hand'</source>
        <translation>고른 고객을(고르지 않으면 목록의 모든 고객을) '직접 추가'로 시작하는 게시된 여정에 넣습니다</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="215" />
        <source>Tag…</source>
        <translation>태그 붙이기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="216" />
        <source>Give the selected customers (or, with none selected, everyone listed) a tag, such as a persona</source>
        <translation>선택한 고객(선택이 없으면 목록의 모든 고객)에게 태그(예: 학부모, 패션 관심)를 붙입니다</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="220" />
        <source>Import tags…</source>
        <translation>태그 가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="221" />
        <source>A CSV file of (phone, email or id; tag) rows</source>
        <translation>(전화번호·이메일·ID, 태그) 두 열의 CSV 파일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="228" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="228" />
        <source>Phone</source>
        <translation>전화번호</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="228" />
        <source>Email</source>
        <translation>이메일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="228" />
        <source>Stage</source>
        <translation>단계</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="229" />
        <source>Orders</source>
        <translation>주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="229" />
        <source>Total spent</source>
        <translation>총 구매액</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="229" />
        <source>Last order</source>
        <translation>마지막 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="230" />
        <source>Membership tier</source>
        <translation>멤버십 등급</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="248" />
        <source>Click a column title to sort; click again to reverse</source>
        <translation>열 제목을 누르면 정렬하고, 한 번 더 누르면 거꾸로 정렬합니다</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="320" />
        <source>No live journey starts 'added by hand'. Make one (trigger: Added by hand) and publish it first.</source>
        <translation>'직접 추가'로 시작하는 게시된 여정이 없습니다. 시작 조건을 '직접 추가'로 한 여정을 만들어 먼저 게시하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="322" />
        <location filename="../../ui/pages/customers.py" line="328" />
        <source>Add to a journey</source>
        <translation>여정에 넣기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="327" />
        <source>Add %1 customers to which journey?</source>
        <translation>고객 %1명을 어느 여정에 넣을까요?</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="338" />
        <source>Added %1 of %2 customers to '%3'.</source>
        <translation>고객 %2명 중 %1명을 '%3'에 넣었습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="341" />
        <source>%1 were not added (already in it, or its entry rules left them out).</source>
        <translation>%1명은 넣지 않았습니다(이미 들어 있거나 여정의 진입 규칙에 걸림).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="356" />
        <source>Tag for %1 customers:</source>
        <translation>고객 %1명에게 붙일 태그:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="357" />
        <source>Tag customers</source>
        <translation>태그 붙이기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="364" />
        <source>A tag needs 1 to 80 characters.</source>
        <translation>태그는 1~80자여야 합니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="366" />
        <source>Tagged %1 customers '%2' (%3 had it already).</source>
        <translation>고객 %1명에게 '%2' 태그를 붙였습니다 (%3명은 이미 있음).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="383" />
        <source>Import tags</source>
        <translation>태그 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="383" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="390" />
        <source>Tags not imported: %1</source>
        <translation>태그를 가져오지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="392" />
        <source>Tags added: %1, already there: %2, customers not found: %3.</source>
        <translation>태그 추가 %1건, 이미 있음 %2건, 찾지 못한 고객 %3건.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="406" />
        <source>%1 customers</source>
        <translation>고객 %1명</translation>
    </message>
    <message>
        <location filename="../../ui/pages/customers.py" line="409" />
        <source>· only the segment '%1'</source>
        <translation>· '%1' 세그먼트만</translation>
    </message>
</context>
<context>
    <name>DashboardLists</name>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="46" />
        <source>Needs your attention</source>
        <translation>확인할 일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="54" />
        <source>Journeys</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="57" />
        <source>Journey</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="57" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="57" />
        <source>Customers in it</source>
        <translation>진행 중인 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="58" />
        <source>Conversions</source>
        <translation>전환 (주문)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="58" />
        <source>Revenue (30 days)</source>
        <translation>매출 (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="59" />
        <source>ROI (30 days)</source>
        <translation>ROI (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="68" />
        <source>No journeys yet. Pick one in the template gallery to begin.</source>
        <translation>아직 여정이 없습니다. 템플릿 갤러리에서 하나 골라 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="86" />
        <source>'%1': a message could not be made for %2 customers. &lt;a href="journey:%3"&gt;Fix it&lt;/a&gt;</source>
        <translation>'%1': 고객 %2명에게 메시지를 만들지 못했습니다. &lt;a href="journey:%3"&gt;고치기&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="90" />
        <source>%1 messages wait for your review. &lt;a href="page:messages"&gt;Message log&lt;/a&gt;</source>
        <translation>메시지 %1건이 확인을 기다립니다. &lt;a href="page:messages"&gt;메시지 기록&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="93" />
        <source>%1 messages were too late while the PC was off (see the notice at the top).</source>
        <translation>PC가 꺼져 있던 동안 메시지 %1건이 너무 늦어 보내지 않았습니다 (위쪽 알림 참고).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="96" />
        <source>Nothing to look at: no failed messages, none waiting for review.</source>
        <translation>확인할 일이 없습니다. 실패한 메시지도, 확인을 기다리는 메시지도 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="97" />
        <source>draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="97" />
        <source>live</source>
        <translation>운영 중</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="97" />
        <source>paused</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="98" />
        <source>archived</source>
        <translation>보관됨</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_lists.py" line="114" />
        <source>Ordered within %1 days</source>
        <translation>%1일 안 주문</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="198" />
        <source>Dashboard</source>
        <translation>대시보드</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="201" />
        <source>Last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="201" />
        <source>Last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="202" />
        <source>Last 90 days</source>
        <translation>최근 90일</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="202" />
        <source>This month</source>
        <translation>이번 달</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="203" />
        <source>Last month</source>
        <translation>지난달</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="203" />
        <source>Custom range</source>
        <translation>직접 지정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="215" />
        <source>Auto</source>
        <translation>자동</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="215" />
        <source>Daily</source>
        <translation>일별</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="215" />
        <source>Weekly</source>
        <translation>주별</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="216" />
        <source>Monthly</source>
        <translation>월별</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="218" />
        <source>Export PDF…</source>
        <translation>PDF로 내보내기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="219" />
        <source>Export CSV…</source>
        <translation>CSV로 내보내기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="223" />
        <source>Period</source>
        <translation>기간</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="224" />
        <source>Chart by</source>
        <translation>차트 단위</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="256" />
        <source>Revenue and orders</source>
        <translation>매출과 주문 수</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="256" />
        <location filename="../../ui/pages/dashboard.py" line="448" />
        <source>Revenue</source>
        <translation>매출</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="257" />
        <location filename="../../ui/pages/dashboard.py" line="448" />
        <source>Orders</source>
        <translation>주문 수</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="258" />
        <source>Revenue from new and returning customers</source>
        <translation>신규·재구매 고객 매출</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="259" />
        <source>Segment sizes at each month end</source>
        <translation>월말 기준 세그먼트 고객 수</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="264" />
        <source>Monthly cohort retention (first-order month × months after)</source>
        <translation>월별 코호트 재구매율 (첫 구매 월 × 경과 월)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="304" />
        <source>Counted orders only: cancelled and refunded orders are left out. Hover over a card for its definition, over a chart for its values.</source>
        <translation>결제된 주문만 셉니다(취소·환불 제외). 카드에 마우스를 올리면 정의가, 차트에 올리면 값이 보입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="358" />
        <location filename="../../ui/pages/dashboard.py" line="366" />
        <source>Working out the figures…</source>
        <translation>지표를 계산하는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="382" />
        <location filename="../../ui/pages/dashboard.py" line="401" />
        <source>The figures could not be worked out: %1</source>
        <translation>지표를 계산하지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="415" />
        <source>%1 ~ %2 (%3 days), compared with %4 ~ %5</source>
        <translation>%1 ~ %2 (%3일), 이전 기간 %4 ~ %5와 비교</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="422" />
        <source>before: %1</source>
        <translation>이전: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="428" />
        <source>CLV = average order %1 × purchases a year %2 × years retained %3</source>
        <translation>CLV = 객단가 %1 × 연간 구매 %2 × 유지 %3</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="441" />
        <source>New (no order yet)</source>
        <translation>신규 (구매 전)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="441" />
        <source>Active</source>
        <translation>활성</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="441" />
        <source>At risk</source>
        <translation>이탈 위험</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="442" />
        <source>Lapsed</source>
        <translation>휴면</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="452" />
        <source>New customers</source>
        <translation>신규 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="452" />
        <source>Returning customers</source>
        <translation>재구매 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="452" />
        <source>Guests</source>
        <translation>비회원</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="492" />
        <source>%1 cohort, month +%2: %3 of %4 customers bought (%5)</source>
        <translation>%1 코호트, +%2개월: %4명 중 %3명 구매 (%5)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="505" />
        <source>Export the report as PDF</source>
        <translation>리포트를 PDF로 내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="506" />
        <source>PDF files (*.pdf)</source>
        <translation>PDF 파일 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="511" />
        <source>Export the report as CSV</source>
        <translation>리포트를 CSV로 내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="512" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="520" />
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="520" />
        <source>The file could not be written: %1</source>
        <translation>파일을 저장하지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="544" />
        <location filename="../../ui/pages/dashboard.py" line="585" />
        <source>Dangol report</source>
        <translation>단골여정 리포트</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="476" />
        <source>Customers</source>
        <translation>고객</translation>
    </message>
</context>
<context>
    <name>EditorWindow</name>
    <message>
        <location filename="../../ui/editor/window.py" line="98" />
        <location filename="../../ui/editor/window.py" line="204" />
        <location filename="../../ui/editor/window.py" line="307" />
        <source>Results</source>
        <translation>결과</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="204" />
        <source>Save or undo your changes first.</source>
        <translation>바꾼 내용을 먼저 저장하거나 되돌리세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="216" />
        <source>Published version %1.</source>
        <translation>버전 %1을 게시했습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="82" />
        <source>Nodes</source>
        <translation>노드</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="84" />
        <source>Overview</source>
        <translation>전체 지도</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="95" />
        <location filename="../../ui/editor/window.py" line="102" />
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="100" />
        <source>Problems</source>
        <translation>문제</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="145" />
        <source>Start the runner</source>
        <translation>자동 실행기 켜기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="177" />
        <source>⚠ %1 stopped: message could not be made</source>
        <translation>⚠ %1명 멈춤: 메시지를 만들 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="180" />
        <source>ordered within %1 days %2 (%3%)</source>
        <translation>%1일 안 주문 %2 (%3%)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="192" />
        <source>%1 customers entered, %2 in the journey now, %3 reached the goal</source>
        <translation>들어온 고객 %1명, 지금 진행 중 %2명, 목표 달성 %3명</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="230" />
        <location filename="../../ui/editor/window.py" line="238" />
        <location filename="../../ui/editor/window.py" line="306" />
        <source>Simulate</source>
        <translation>미리 돌려 보기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="230" />
        <source>Fix the problems first.</source>
        <translation>먼저 문제를 고치세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="245" />
        <source>simulated: %1</source>
        <translation>모의: %1명</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="249" />
        <source>Last %1 days: %2 would enter, %3 messages, %4 coupons, about %5 won</source>
        <translation>지난 %1일 기준: %2명 진입, 메시지 %3건, 쿠폰 %4장, 약 %5원</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="263" />
        <source>Editor</source>
        <translation>편집</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="266" />
        <source>Journey name</source>
        <translation>여정 이름</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="267" />
        <source>The journey's name; press Enter to rename it. Saved with the journey.</source>
        <translation>여정 이름입니다. 고친 뒤 Enter를 누르면 바뀌고, 여정과 함께 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="273" />
        <source>Journey settings…</source>
        <translation>여정 설정…</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="274" />
        <source>Who may enter again, priority, exclusion group</source>
        <translation>다시 들어오는 규칙, 우선순위, 제외 묶음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="280" />
        <source>Undo</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="285" />
        <source>Redo</source>
        <translation>다시 하기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="292" />
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="293" />
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="294" />
        <source>Cut</source>
        <translation>잘라내기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="295" />
        <source>Paste</source>
        <translation>붙여넣기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="296" />
        <source>Duplicate</source>
        <translation>복제</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="297" />
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="298" />
        <source>Auto-layout</source>
        <translation>자동 정렬</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="299" />
        <source>Zoom in</source>
        <translation>확대</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="300" />
        <source>Zoom out</source>
        <translation>축소</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="301" />
        <source>Fit all</source>
        <translation>전체 보기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="302" />
        <source>Fit selection</source>
        <translation>선택 부분 보기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="303" />
        <source>Publish</source>
        <translation>게시</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="304" />
        <location filename="../../ui/editor/window.py" line="629" />
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="305" />
        <source>Live numbers</source>
        <translation>실적 보기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="346" />
        <source>A journey needs a name.</source>
        <translation>여정 이름을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="374" />
        <source>Renamed to '%1' on the journeys list.</source>
        <translation>여정 목록에서 이름을 '%1'(으)로 바꿨습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="417" />
        <source>%1%2 — Journey editor</source>
        <translation>%1%2 — 여정 편집기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="417" />
        <source>(no name)</source>
        <translation>(이름 없음)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="427" />
        <source>Saved.</source>
        <translation>저장했습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="456" />
        <source>Recover changes</source>
        <translation>변경 내용 복구</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="457" />
        <source>Changes to '%1' from %2 were not saved (the app closed unexpectedly). Recover them?</source>
        <translation>'%1'의 %2 변경 내용이 저장되지 않았습니다 (앱이 갑자기 닫혔습니다). 복구할까요?</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="471" />
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="471" />
        <source>Save the changes to '%1' before closing?</source>
        <translation>닫기 전에 '%1'의 변경 내용을 저장할까요?</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="497" />
        <location filename="../../ui/editor/window.py" line="537" />
        <source>Cannot publish yet</source>
        <translation>아직 게시할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="498" />
        <source>Fix these first:</source>
        <translation>먼저 다음을 고치세요:</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="503" />
        <source>Publish anyway?</source>
        <translation>그래도 게시할까요?</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="545" />
        <source>The %1 customers already in the segment enter at most %2 a day.</source>
        <translation>세그먼트에 이미 있던 고객 %1명은 하루 최대 %2명씩 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="560" />
        <source>Published (version %1).</source>
        <translation>게시했습니다 (버전 %1).</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="563" />
        <location filename="../../ui/editor/window.py" line="579" />
        <source>The runner is starting: from today it sends as customers enter.</source>
        <translation>자동 실행기를 시작했습니다. 오늘부터 고객이 들어오는 대로 보냅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="565" />
        <source>The runner is on: from today it sends as customers enter.</source>
        <translation>자동 실행기가 켜져 있어 오늘부터 고객이 들어오는 대로 보냅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="567" />
        <source>The runner is off — it must be on to send.</source>
        <translation>자동 실행기가 꺼져 있습니다 — 켜야 보냅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="570" />
        <source>First day (replaying the last day): about %1 messages.</source>
        <translation>첫날 예상(지난 하루 기준): 메시지 약 %1건.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="588" />
        <source>Customers in the journey</source>
        <translation>여정 안의 고객</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="591" />
        <source>%1 customers are in this journey now.</source>
        <translation>지금 이 여정에 고객 %1명이 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="594" />
        <source>%1 waiting</source>
        <translation>%1명 대기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="597" />
        <source>Let them finish on the old version</source>
        <translation>이전 버전으로 끝까지 진행</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="598" />
        <source>Move them to the new version (same step)</source>
        <translation>새 버전의 같은 단계로 옮기기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="599" />
        <source>Take them out of the journey</source>
        <translation>여정에서 내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/window.py" line="629" />
        <source>Resume</source>
        <translation>다시 시작</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/errors.py" line="25" />
        <source>Another program is writing the shop's data right now (the runner may be busy). Nothing was lost; try again in a moment.</source>
        <translation>다른 프로그램이 지금 쇼핑몰 데이터를 쓰고 있습니다(자동 실행기가 바쁠 수 있습니다). 잃은 것은 없으니 잠시 뒤 다시 해 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="27" />
        <source>The shop's data file cannot be written (it is read-only). Check the file and its disk; nothing of this change was saved.</source>
        <translation>쇼핑몰 데이터 파일에 쓸 수 없습니다(읽기 전용). 파일과 디스크를 확인하세요. 이번 변경은 저장되지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="29" />
        <source>The disk holding the shop's data is full. Free some space and try again; nothing of this change was saved.</source>
        <translation>쇼핑몰 데이터가 있는 디스크가 가득 찼습니다. 공간을 비운 뒤 다시 해 보세요. 이번 변경은 저장되지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="32" />
        <source>The shop's data could not be written: %1</source>
        <translation>쇼핑몰 데이터를 쓰지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="34" />
        <source>Not saved: %1</source>
        <translation>저장하지 않았습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="45" />
        <source>Not saved</source>
        <translation>저장하지 못함</translation>
    </message>
</context>
<context>
    <name>GalleryPage</name>
    <message>
        <location filename="../../ui/pages/gallery.py" line="122" />
        <source>Template gallery</source>
        <translation>템플릿 갤러리</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="124" />
        <source>Journeys that work for most shops. Use one as it is or change it.</source>
        <translation>대부분의 쇼핑몰에 잘 맞는 여정입니다. 그대로 쓰거나 고쳐 쓰세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="125" />
        <source>New blank journey</source>
        <translation>빈 여정 만들기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="126" />
        <source>An empty canvas: you pick how customers enter and build the steps.</source>
        <translation>빈 캔버스에서 시작합니다. 고객이 들어오는 방법을 고르고 단계를 직접 만듭니다.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/gallery.py" line="189" />
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n단계</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="191" />
        <source>below: the whole flow</source>
        <translation>아래: 전체 흐름</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="192" />
        <source>The first steps are shown large; the strip below is the whole flow, the part shown large framed in blue.</source>
        <translation>앞 단계를 크게 보여 줍니다. 아래 띠는 전체 흐름이며, 크게 보이는 부분은 파란 테두리로 표시됩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="196" />
        <source>Use this template</source>
        <translation>이 템플릿 쓰기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/gallery.py" line="205" />
        <source>New journey</source>
        <translation>새 여정</translation>
    </message>
</context>
<context>
    <name>GroupBox</name>
    <message>
        <location filename="../../ui/segment_builder.py" line="218" />
        <source>all of these (AND)</source>
        <translation>모두 만족 (AND)</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="219" />
        <source>any of these (OR)</source>
        <translation>하나라도 만족 (OR)</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="220" />
        <source>Whether a customer must meet every condition of this group or just one</source>
        <translation>이 그룹의 조건을 모두 만족해야 하는지, 하나만 만족해도 되는지</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="221" />
        <source>Customers who meet</source>
        <translation>다음 조건을</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="224" />
        <source>Remove group</source>
        <translation>그룹 삭제</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="233" />
        <source>+ Condition</source>
        <translation>+ 조건 추가</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="234" />
        <source>+ Group</source>
        <translation>+ 그룹 추가</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="235" />
        <source>A group inside this one, with its own AND/OR</source>
        <translation>이 그룹 안에 AND/OR를 따로 정하는 그룹을 넣습니다</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="110" />
        <location filename="../../ui/import_dialog.py" line="114" />
        <source>Import a shop file</source>
        <translation>쇼핑몰 파일 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="116" />
        <source>Choose an order or member export from Cafe24, Naver SmartStore, imweb, Shopify or WooCommerce, an opt-out list or your own orders sheet, or drop it on this window. Nothing is stored until you press Import.</source>
        <translation>Cafe24, 네이버 스마트스토어, 아임웹, Shopify, WooCommerce에서 내려받은 주문·회원 파일, 수신거부 목록, 또는 직접 만든 주문 엑셀을 고르거나 이 창에 끌어다 놓으세요. '가져오기'를 누르기 전에는 아무것도 저장되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="120" />
        <source>No file chosen yet</source>
        <translation>아직 고른 파일이 없습니다</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="122" />
        <source>Choose a file…</source>
        <translation>파일 선택…</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="152" />
        <location filename="../../ui/import_dialog.py" line="476" />
        <source>Line</source>
        <translation>줄</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="152" />
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="155" />
        <source>Save rejected lines…</source>
        <translation>거부된 줄 저장…</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="161" />
        <source>Import</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="164" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="177" />
        <source>Which column holds what</source>
        <translation>어느 열에 무엇이 있나요</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="183" />
        <source>Not a layout Dangol knows: check the column chosen for each field. * needed: order number, order date, an amount (order, item or unit price) and the customer (member id, phone or email).</source>
        <translation>단골여정이 아는 양식이 아닙니다. 항목마다 고른 열을 확인하세요. * 필요: 주문번호, 주문일시, 금액(주문 금액·상품별 금액·단가 중 하나), 고객(회원 아이디·연락처·이메일 중 하나).</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="210" />
        <source>Save this mapping as:</source>
        <translation>이 연결을 저장할 이름:</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="213" />
        <source>e.g. my orders sheet (empty: not saved)</source>
        <translation>예: 우리 가게 주문 엑셀 (비우면 저장하지 않음)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="217" />
        <source>A file with the same columns is read with it next time.</source>
        <translation>다음에 열이 같은 파일은 이 연결로 읽습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="240" />
        <source>Choose a shop file</source>
        <translation>쇼핑몰 파일 고르기</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="241" />
        <source>Shop exports (%1)</source>
        <translation>쇼핑몰 내보내기 파일 (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="272" />
        <source>Reading the file…</source>
        <translation>파일을 읽는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="287" />
        <source>The password is wrong. Enter the file's password again:</source>
        <translation>비밀번호가 틀렸습니다. 파일 비밀번호를 다시 입력하세요:</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="288" />
        <source>This file is locked. Enter its password:</source>
        <translation>비밀번호가 걸린 파일입니다. 비밀번호를 입력하세요:</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="289" />
        <source>File password</source>
        <translation>파일 비밀번호</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="312" />
        <source>(not in the file)</source>
        <translation>(파일에 없음)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="359" />
        <source>Reading the first lines with this mapping…</source>
        <translation>이 연결로 앞부분을 읽는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="381" />
        <source>The file could not be opened. Check that it exists and is not open in another program.</source>
        <translation>파일을 열 수 없습니다. 파일이 있는지, 다른 프로그램에서 열려 있지 않은지 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="385" />
        <source>This file is locked with a password; it was not read.</source>
        <translation>비밀번호가 걸린 파일이라 읽지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="386" />
        <source>The password is wrong; the file was not read.</source>
        <translation>비밀번호가 틀려 파일을 읽지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="387" />
        <source>The file is empty.</source>
        <translation>파일이 비어 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="388" />
        <source>This is not a CSV or Excel file.</source>
        <translation>CSV나 엑셀 파일이 아닙니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="389" />
        <location filename="../../ui/import_dialog.py" line="390" />
        <source>The columns are not those of a shop export Dangol knows.</source>
        <translation>알려진 쇼핑몰 내보내기 파일의 열이 아닙니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="391" />
        <source>The column mapping is not complete.</source>
        <translation>열 연결이 다 되지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="392" />
        <source>A column of the mapping is not in the file.</source>
        <translation>연결한 열이 파일에 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="393" />
        <source>The file was not found.</source>
        <translation>파일을 찾을 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="395" />
        <source>The file could not be read.</source>
        <translation>파일을 읽을 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="405" />
        <source>Choose the column for: %1</source>
        <translation>열을 골라 주세요: %1</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="410" />
        <source>“%1” is chosen for both %2 and %3; a column holds one field.</source>
        <translation>“%1” 열을 %2, %3 두 항목에 골랐습니다. 한 열에는 한 항목만 고를 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="414" />
        <source>This mapping cannot read the file.</source>
        <translation>이 연결로는 파일을 읽을 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="416" />
        <source>No order can be read from the first lines with this mapping; check the columns.</source>
        <translation>이 연결로는 앞부분에서 읽히는 주문이 없습니다. 열을 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="429" />
        <source>Your own orders file: map its columns below.</source>
        <translation>직접 만든 주문 파일: 아래에서 열을 연결하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="440" />
        <source>your own orders file, with the saved mapping “%1”</source>
        <translation>직접 만든 주문 파일, 저장된 연결 “%1”</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="441" />
        <source>your own orders file, with the columns mapped below</source>
        <translation>직접 만든 주문 파일, 아래에서 연결한 열</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="444" />
        <source>Excel file</source>
        <translation>엑셀 파일</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="445" />
        <source>Detected: %1 · encoding: %2</source>
        <translation>알아낸 종류: %1 · 인코딩: %2</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="446" />
        <source>%1 orders, %2 customers, %3 opt-outs from %4 lines (%5 duplicate lines counted once), rejected lines: %6</source>
        <translation>주문 %1건, 고객 %2명, 수신거부 %3건 · 모두 %4줄 (중복된 줄 %5개는 한 번만 셈) · 거부된 줄 %6개</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="452" />
        <source>In the first %1 lines: </source>
        <translation>앞부분 %1줄에서: </translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="455" />
        <location filename="../../ui/import_dialog.py" line="575" />
        <source>Rejected lines (not imported): %1</source>
        <translation>거부된 줄 (가져오지 않음): %1개</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="463" />
        <source>Order no.</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="463" />
        <source>Ordered at</source>
        <translation>주문일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="463" />
        <source>Buyer</source>
        <translation>주문자</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="463" />
        <source>Amount</source>
        <translation>금액</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="464" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="464" />
        <source>Items</source>
        <translation>품목 수</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="464" />
        <source>Member id, phone or email</source>
        <translation>회원 아이디·연락처·이메일</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="470" />
        <location filename="../../ui/import_dialog.py" line="502" />
        <source>Member id</source>
        <translation>회원 아이디</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="470" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="470" />
        <location filename="../../ui/import_dialog.py" line="476" />
        <location filename="../../ui/import_dialog.py" line="502" />
        <source>Phone</source>
        <translation>전화번호</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="470" />
        <location filename="../../ui/import_dialog.py" line="476" />
        <location filename="../../ui/import_dialog.py" line="503" />
        <source>Email</source>
        <translation>이메일</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="471" />
        <location filename="../../ui/import_dialog.py" line="510" />
        <source>Signed up</source>
        <translation>가입일</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="471" />
        <source>Grade</source>
        <translation>등급</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="479" />
        <source>As it will be stored (first %1 of %2):</source>
        <translation>저장될 모습 (%2건 중 처음 %1건):</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="493" />
        <source>Awaiting payment</source>
        <translation>입금 전</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="493" />
        <source>Paid</source>
        <translation>결제 완료</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="493" />
        <source>Shipping</source>
        <translation>배송 중</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="494" />
        <source>Delivered</source>
        <translation>배송 완료</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="494" />
        <source>Purchase confirmed</source>
        <translation>구매 확정</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="495" />
        <source>Cancelled</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="495" />
        <source>Refunded</source>
        <translation>환불</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="500" />
        <source>Order number</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="500" />
        <source>Order date</source>
        <translation>주문일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="501" />
        <location filename="../../ui/import_dialog.py" line="508" />
        <source>Order amount</source>
        <translation>주문 금액</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="501" />
        <source>Order status</source>
        <translation>주문 상태</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="502" />
        <source>Buyer name</source>
        <translation>주문자 이름</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="503" />
        <source>Product name</source>
        <translation>상품명</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="503" />
        <source>Option</source>
        <translation>옵션</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="504" />
        <source>Quantity</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="504" />
        <source>Unit price</source>
        <translation>단가</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="505" />
        <source>Item amount</source>
        <translation>상품별 금액</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="505" />
        <source>Category</source>
        <translation>카테고리</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="506" />
        <source>Coupon code</source>
        <translation>쿠폰</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="506" />
        <source>Discount</source>
        <translation>할인 금액</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="506" />
        <source>Paid at</source>
        <translation>결제일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="508" />
        <source>Item discount</source>
        <translation>상품 할인</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="509" />
        <source>Cancelled at</source>
        <translation>취소 일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="509" />
        <source>Birthday</source>
        <translation>생일</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="510" />
        <source>Text message consent</source>
        <translation>문자 수신 동의</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="511" />
        <source>Email consent</source>
        <translation>이메일 수신 동의</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="511" />
        <source>Opted out at</source>
        <translation>수신거부 일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="515" />
        <source>order number</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="515" />
        <source>order date</source>
        <translation>주문일시</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="516" />
        <source>an amount</source>
        <translation>금액</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="516" />
        <source>member id, phone or email</source>
        <translation>회원 아이디·연락처·이메일 중 하나</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="520" />
        <source>Statuses read: 결제완료, 배송중, 배송완료, 구매확정, 취소, 환불 and the like (or paid, shipped, delivered, cancelled, refunded); any other is rejected. Without a status column every order is paid.</source>
        <translation>읽는 상태: 결제완료, 배송중, 배송완료, 구매확정, 취소, 환불 등 (또는 paid, shipped, delivered, cancelled, refunded). 그 밖의 상태는 거부합니다. 상태 열이 없으면 모두 결제 완료로 봅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="534" />
        <source>date not readable</source>
        <translation>날짜를 읽을 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="534" />
        <source>amount not readable</source>
        <translation>금액을 읽을 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="535" />
        <source>quantity not readable</source>
        <translation>수량을 읽을 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="535" />
        <source>consent not readable</source>
        <translation>수신 동의 여부를 읽을 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="536" />
        <source>not a phone number or email</source>
        <translation>전화번호나 이메일이 아님</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="536" />
        <source>value not readable</source>
        <translation>값을 읽을 수 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="537" />
        <source>no product name</source>
        <translation>상품명 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="537" />
        <source>no order status</source>
        <translation>주문 상태 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="538" />
        <source>unknown order status</source>
        <translation>알 수 없는 주문 상태</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="538" />
        <source>no order number</source>
        <translation>주문번호 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="539" />
        <source>appears again with other values</source>
        <translation>다른 값으로 다시 나옴</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="540" />
        <source>another line of this order was rejected</source>
        <translation>같은 주문의 다른 줄이 거부됨</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="541" />
        <source>no member id</source>
        <translation>회원 아이디 없음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="541" />
        <source>member id is masked</source>
        <translation>회원 아이디가 가려져 있음</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="559" />
        <source>Importing… (you can keep this window open)</source>
        <translation>가져오는 중… (잠시 기다려 주세요)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="569" />
        <source>Nothing was imported: </source>
        <translation>아무것도 가져오지 않았습니다: </translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="582" />
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="589" />
        <source>%1 new orders added and %2 updated.</source>
        <translation>주문 %1건을 새로 넣고 %2건을 고쳤습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="592" />
        <source>Customers: %1 new, %2 updated.</source>
        <translation>고객은 %1명이 새로 생기고 %2명이 고쳐졌습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="596" />
        <source>%1 opt-outs applied.</source>
        <translation>수신거부 %1건을 적용했습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="598" />
        <source>%1 already stored as they are.</source>
        <translation>%1건은 이미 그대로 저장되어 있었습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="599" />
        <source>Rejected lines: %1.</source>
        <translation>거부된 줄 %1개.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="601" />
        <source>Column mapping saved as “%1”.</source>
        <translation>열 연결을 “%1”(으)로 저장했습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="609" />
        <source>Save rejected lines</source>
        <translation>거부된 줄 저장</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="610" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="616" />
        <source>The rejected lines could not be saved there.</source>
        <translation>그 위치에 거부된 줄을 저장하지 못했습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="619" />
        <source>Rejected lines saved to %1.</source>
        <translation>거부된 줄을 %1에 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../ui/editor/inspector.py" line="263" />
        <source>%1 of %2 codes left</source>
        <translation>코드 %2개 중 %1개 남음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="105" />
        <source>Select a node to change its settings.</source>
        <translation>설정을 바꿀 노드를 고르세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="132" />
        <source>Preview for</source>
        <translation>미리 보기 고객</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="210" />
        <source>(any)</source>
        <translation>(전체)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="286" />
        <source>Insert</source>
        <translation>넣기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="355" />
        <source>%1 bytes (EUC-KR), sent as %2</source>
        <translation>%1바이트 (EUC-KR), %2로 발송</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="357" />
        <source>Added for the ad law:</source>
        <translation>광고 규정에 따라 이렇게 보냅니다:</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="359" />
        <source>Preview:</source>
        <translation>미리 보기:</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="361" />
        <source>This looks like an ad (coupon, discount…): mark it as an ad message.</source>
        <translation>광고처럼 보입니다 (쿠폰, 할인 등): 광고성 메시지로 표시하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/inspector.py" line="452" />
        <source>Cannot show a preview: %1</source>
        <translation>미리 보기를 만들 수 없습니다: %1</translation>
    </message>
</context>
<context>
    <name>JourneyResultsBox</name>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="32" />
        <source>Journey results</source>
        <translation>여정 성과</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="39" />
        <source>Journey</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="51" />
        <source>No journey is published yet. Pick one in the &lt;a href="page:gallery"&gt;template gallery&lt;/a&gt;, publish it, and its funnel and A/B results show here.</source>
        <translation>게시된 여정이 없습니다. &lt;a href="page:gallery"&gt;템플릿 갤러리&lt;/a&gt;에서 여정을 하나 골라 게시하면 여기에 퍼널과 A/B 결과가 나옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="69" />
        <source>Funnel</source>
        <translation>퍼널</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="75" />
        <source>A/B: conversion rate with its 95% interval</source>
        <translation>A/B: 주문 전환율과 95% 구간</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="131" />
        <source>Entered</source>
        <translation>들어온 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="133" />
        <source>Ordered within %1 days</source>
        <translation>%1일 안 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="150" />
        <location filename="../../ui/pages/dashboard_journeys.py" line="157" />
        <location filename="../../ui/pages/dashboard_journeys.py" line="167" />
        <source>%1 customers</source>
        <translation>고객 %1명</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="151" />
        <source>Still in it: %1</source>
        <translation>진행 중: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="152" />
        <source>Finished: %1</source>
        <translation>마침: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="153" />
        <source>Left early: %1</source>
        <translation>중간에 나감: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="155" />
        <location filename="../../ui/pages/dashboard_journeys.py" line="164" />
        <source>Failed: %1</source>
        <translation>실패: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="132" />
        <source>Got a message</source>
        <translation>메시지를 받은 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="158" />
        <source>Messages sent: %1</source>
        <translation>보낸 메시지: %1건</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="159" />
        <source>Cost: %1</source>
        <translation>비용: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="161" />
        <source>Skipped: %1</source>
        <translation>건너뜀: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="166" />
        <source>Not sent yet: %1</source>
        <translation>발송 대기: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="168" />
        <source>Orders: %1</source>
        <translation>주문: %1건</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="169" />
        <source>Revenue: %1</source>
        <translation>매출: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="173" />
        <source>Holdout</source>
        <translation>비교군</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="199" />
        <source>No customers were split into A and B in this period yet.</source>
        <translation>이 기간에는 아직 A/B로 나뉜 고객이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="200" />
        <source>This journey has no A/B split: add an A/B split step to compare two messages.</source>
        <translation>이 여정에는 A/B 테스트가 없습니다: 두 메시지를 비교하려면 A/B 테스트 단계를 넣으세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="215" />
        <source>Customers: %1</source>
        <translation>고객: %1명</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="216" />
        <source>Conversions: %1</source>
        <translation>전환: %1명</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="217" />
        <source>Conversion rate: %1</source>
        <translation>전환율: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard_journeys.py" line="218" />
        <source>95% interval: %1 – %2</source>
        <translation>95% 구간: %1 – %2</translation>
    </message>
</context>
<context>
    <name>JourneySettingsDialog</name>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="80" />
        <source>as in Settings (%1 days)</source>
        <translation>설정대로 (%1일)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="82" />
        <source>Conversion window</source>
        <translation>전환 인정 기간</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="83" />
        <source>An order within this many days after one of this journey's messages counts as its conversion (results, live numbers).</source>
        <translation>이 여정의 메시지를 받고 이 기간 안에 한 주문을 이 여정의 전환으로 셉니다 (결과, 실적 보기).</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="91" />
        <source>What happens to a message that is late (the PC was off) is set on each message step.</source>
        <translation>늦은 메시지(PC가 꺼져 있었을 때)를 어떻게 할지는 메시지 단계마다 정합니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="36" />
        <source>Journey settings</source>
        <translation>여정 설정</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="43" />
        <source>Only once (never again)</source>
        <translation>한 번만 (다시 들어오지 않음)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="44" />
        <source>Again after leaving the journey</source>
        <translation>여정을 마치면 다시 들어올 수 있음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="45" />
        <source>Again some days after entering</source>
        <translation>들어온 지 며칠 지나면 다시 들어올 수 있음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="49" />
        <location filename="../../ui/editor/journey_settings.py" line="129" />
        <source>Entering again</source>
        <translation>다시 들어오기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="50" />
        <source>Whether a customer who was in this journey may start it again.</source>
        <translation>이 여정을 거친 고객이 다시 처음부터 시작할 수 있는지 정합니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="54" />
        <location filename="../../ui/editor/journey_settings.py" line="79" />
        <source> days</source>
        <translation>일</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="56" />
        <location filename="../../ui/editor/journey_settings.py" line="129" />
        <source>Days before again</source>
        <translation>다시 들어오기까지</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="57" />
        <source>Counted from the day they last entered (at least 1).</source>
        <translation>마지막으로 들어온 날부터 셉니다 (1일 이상).</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="62" />
        <location filename="../../ui/editor/journey_settings.py" line="130" />
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="63" />
        <source>When journeys of one group meet the same customer on one day, the higher number goes first.</source>
        <translation>같은 제외 묶음의 여정들이 같은 날 한 고객을 만나면 숫자가 큰 여정이 먼저 받습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="72" />
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="74" />
        <location filename="../../ui/editor/journey_settings.py" line="130" />
        <source>Exclusion group</source>
        <translation>제외 묶음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="75" />
        <source>Journeys with the same group name: a customer enters at most one of them a day.</source>
        <translation>묶음 이름이 같은 여정들 중에서 한 고객은 하루에 하나에만 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="88" />
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="88" />
        <source>For you only; customers never see it.</source>
        <translation>나만 보는 메모입니다. 고객에게는 보이지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="132" />
        <source>%1: not a valid value.</source>
        <translation>%1: 올바른 값이 아닙니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/journey_settings.py" line="134" />
        <source>Days before again: at least 1 day.</source>
        <translation>다시 들어오기까지: 1일 이상이어야 합니다.</translation>
    </message>
</context>
<context>
    <name>JourneyView</name>
    <message>
        <location filename="../../ui/editor/view.py" line="182" />
        <source>Start with how customers enter: drag a start node (Signed up, Order placed …) from the list on the left, or press Tab and type its name.</source>
        <translation>먼저 고객이 여정에 들어오는 방법을 정하세요. 왼쪽 목록에서 시작 노드(회원 가입, 주문 …)를 끌어 놓거나 Tab 키를 누르고 이름을 입력하세요.</translation>
    </message>
</context>
<context>
    <name>JourneysPage</name>
    <message>
        <location filename="../../ui/pages/journeys.py" line="73" />
        <source>Sent (30 days)</source>
        <translation>보냄 (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="73" />
        <source>Ordered (30 days)</source>
        <translation>주문 고객 (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="74" />
        <source>Revenue (30 days)</source>
        <translation>매출 (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="74" />
        <source>ROI (30 days)</source>
        <translation>ROI (30일)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="75" />
        <source>Messages sent in the last 30 days</source>
        <translation>최근 30일 동안 보낸 메시지</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="76" />
        <source>Customers whose order in the last 30 days counts for this journey (last touch, or its coupon code)</source>
        <translation>최근 30일 주문이 이 여정의 전환으로 셈해진 고객 (마지막 메시지, 또는 이 여정의 쿠폰 코드)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="78" />
        <source>What those orders were paid</source>
        <translation>그 주문의 결제 금액</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="79" />
        <source>(revenue − message cost − discount) ÷ (message cost + discount)</source>
        <translation>(매출 − 메시지 비용 − 할인) ÷ (메시지 비용 + 할인)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="52" />
        <source>Journeys</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="54" />
        <source>Each journey greets, thanks or wins back customers on its own. Start from the template gallery.</source>
        <translation>여정은 고객을 알아서 맞이하고, 감사 인사를 하고, 다시 불러옵니다. 템플릿 갤러리에서 시작해 보세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="56" />
        <location filename="../../ui/pages/journeys.py" line="186" />
        <source>Open editor</source>
        <translation>편집기 열기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="57" />
        <source>New blank journey</source>
        <translation>빈 여정 만들기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="58" />
        <source>An empty canvas: you pick how customers enter and build the steps.</source>
        <translation>빈 캔버스에서 시작합니다. 고객이 들어오는 방법을 고르고 단계를 직접 만듭니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="59" />
        <source>New from template…</source>
        <translation>템플릿으로 새로 만들기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="60" />
        <source>Duplicate</source>
        <translation>복제</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="61" />
        <source>Rename…</source>
        <translation>이름 바꾸기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="62" />
        <source>Import…</source>
        <translation>가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="63" />
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="64" />
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="72" />
        <location filename="../../ui/pages/journeys.py" line="244" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="72" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="72" />
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="72" />
        <source>Customers in it</source>
        <translation>진행 중인 고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="74" />
        <source>Changed</source>
        <translation>수정한 때</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="73" />
        <source>Conversions</source>
        <translation>전환 (주문)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="93" />
        <source>No journeys yet. Pick one in the template gallery to begin.</source>
        <translation>아직 여정이 없습니다. 템플릿 갤러리에서 하나 골라 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="111" />
        <source>draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="111" />
        <source>live</source>
        <translation>운영 중</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="111" />
        <source>paused</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="112" />
        <source>archived</source>
        <translation>보관됨</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="127" />
        <location filename="../../ui/pages/journeys.py" line="153" />
        <source>(no name)</source>
        <translation>(이름 없음)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="209" />
        <source>New journey</source>
        <translation>새 여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="223" />
        <source>%1 (copy)</source>
        <translation>%1 (사본)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="236" />
        <location filename="../../ui/pages/journeys.py" line="241" />
        <location filename="../../ui/pages/journeys.py" line="245" />
        <source>Rename</source>
        <translation>이름 바꾸기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="236" />
        <source>New name</source>
        <translation>새 이름</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="241" />
        <source>A journey needs a name.</source>
        <translation>여정 이름을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="253" />
        <source>Import a journey</source>
        <translation>여정 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="253" />
        <location filename="../../ui/pages/journeys.py" line="271" />
        <source>Journey files (*.json)</source>
        <translation>여정 파일 (*.json)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="260" />
        <source>Import</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="270" />
        <source>Export a journey</source>
        <translation>여정 내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="277" />
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="287" />
        <source>Delete journey</source>
        <translation>여정 삭제</translation>
    </message>
    <message>
        <location filename="../../ui/pages/journeys.py" line="288" />
        <source>Delete '%1'? Its history and the customers in it are removed too. This cannot be undone.</source>
        <translation>'%1'을(를) 삭제할까요? 기록과 진행 중인 고객도 함께 지워지며 되돌릴 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>LateBanner</name>
    <message>
        <location filename="../../ui/late_notice.py" line="47" />
        <source>See them and send…</source>
        <translation>목록 보기·보내기…</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="48" />
        <source>Dismiss</source>
        <translation>보내지 않고 닫기</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="49" />
        <source>Keep them unsent; this notice does not come back for them</source>
        <translation>보내지 않은 채로 둡니다. 이 메시지들로 알림이 다시 뜨지 않습니다</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="62" />
        <source>While the PC was off, %1 messages were too late and were not sent (their journeys skip a message more than its set hours late).</source>
        <translation>PC가 꺼져 있던 동안 %1건이 너무 늦어 보내지 않았습니다 (여정에 정한 시간보다 늦은 메시지는 건너뜁니다).</translation>
    </message>
</context>
<context>
    <name>LateDialog</name>
    <message>
        <location filename="../../ui/late_notice.py" line="93" />
        <source>Messages not sent because they were too late</source>
        <translation>너무 늦어 보내지 않은 메시지</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="96" />
        <source>The PC (or the runner) was off when these were due, and their journeys skip a message that is too late. Choose the ones still worth sending: they go at the next run, and consent, quiet hours and the daily limits still apply.</source>
        <translation>보낼 시각에 PC(또는 자동 실행기)가 꺼져 있었고, 여정은 너무 늦은 메시지를 건너뜁니다. 아직 보낼 만한 것을 고르세요. 다음 실행 때 보내며, 수신 동의·광고 금지 시간·횟수 제한은 그대로 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="102" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="102" />
        <source>Journey</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="102" />
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="103" />
        <source>Was due</source>
        <translation>보낼 예정이던 시각</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="116" />
        <source>Select all</source>
        <translation>모두 선택</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="117" />
        <source>Send the selected now</source>
        <translation>선택한 메시지 지금 보내기</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="118" />
        <source>Keep them unsent</source>
        <translation>모두 보내지 않기</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="119" />
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="164" />
        <source>%1 messages will be sent at the next run (consent, quiet hours and the daily limits still apply). The others stay unsent.</source>
        <translation>%1건은 다음 실행 때 보냅니다 (수신 동의, 광고 금지 시간, 횟수 제한은 그대로 적용). 나머지는 보내지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/late_notice.py" line="173" />
        <source>%1 messages stay unsent; the notice will not come back for them.</source>
        <translation>%1건은 보내지 않은 채로 둡니다. 이 메시지들로 알림이 다시 뜨지 않습니다.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="330" />
        <source>⚠ Coupon pool '%1': only %2 codes left. Import more…</source>
        <translation>⚠ 쿠폰 코드 묶음 '%1': 남은 코드 %2개. 더 가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="333" />
        <source>⚠ Coupon pool '%1' is empty: its messages are held. Import codes…</source>
        <translation>⚠ 쿠폰 코드 묶음 '%1'이(가) 비어 메시지를 보류하고 있습니다. 코드 가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="341" />
        <source>%1 coupon codes added to '%2' (%3 were there already).</source>
        <translation>쿠폰 코드 %1개를 '%2'에 추가했습니다(이미 있던 코드 %3개).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="349" />
        <location filename="../../ui/main_window.py" line="360" />
        <source>Import coupon codes</source>
        <translation>쿠폰 코드 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="350" />
        <source>Pool name (the coupon node's code pool):</source>
        <translation>코드 묶음 이름(쿠폰 발급 노드의 코드 묶음):</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="353" />
        <source>The shop's coupon export</source>
        <translation>쇼핑몰에서 내려받은 쿠폰 목록</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="354" />
        <source>Coupon lists (*.csv *.xlsx);;All files (*)</source>
        <translation>쿠폰 목록 (*.csv *.xlsx);;모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="220" />
        <source>Import coupon codes…</source>
        <translation>쿠폰 코드 가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="115" />
        <source>Demo shop: made-up customers and orders to try things out. Nothing is sent to real people.</source>
        <translation>데모 쇼핑몰: 둘러보기용으로 만든 가상의 고객과 주문입니다. 실제 사람에게는 아무것도 보내지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="123" />
        <source>%1 late messages stay unsent; the notice will not come back for them.</source>
        <translation>늦은 메시지 %1건은 보내지 않은 채로 둡니다. 이 메시지들로 알림이 다시 뜨지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="134" />
        <source>Journeys</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="134" />
        <source>Template gallery</source>
        <translation>템플릿 갤러리</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="134" />
        <source>Customers</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="135" />
        <source>Segments</source>
        <translation>세그먼트</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="135" />
        <source>Message log</source>
        <translation>메시지 기록</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="135" />
        <source>Dashboard</source>
        <translation>대시보드</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="136" />
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="175" />
        <source>Open the shop connections</source>
        <translation>쇼핑몰 연결 창 열기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="207" />
        <source>Dangol</source>
        <translation>단골여정</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="208" />
        <source>demo shop</source>
        <translation>데모 쇼핑몰</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212" />
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="213" />
        <source>Import a shop file…</source>
        <translation>쇼핑몰 파일 가져오기…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="217" />
        <source>Shop connections…</source>
        <translation>쇼핑몰 연결…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226" />
        <source>Quit</source>
        <translation>끝내기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="230" />
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="236" />
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="237" />
        <location filename="../../ui/main_window.py" line="238" />
        <source>About Dangol</source>
        <translation>단골여정 정보</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="239" />
        <source>Dangol: customer journeys for small online shops, on your own PC.</source>
        <translation>단골여정: 작은 온라인 쇼핑몰을 위한 고객 여정 도구. 내 PC에서 돌아갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294" />
        <source>Runner: running</source>
        <translation>자동 실행기: 실행 중</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294" />
        <source>Runner: stopped</source>
        <translation>자동 실행기: 멈춤</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="295" />
        <source>Runner: not responding</source>
        <translation>자동 실행기: 응답 없음</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="295" />
        <source>Runner: not started yet</source>
        <translation>자동 실행기: 아직 시작 안 함</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="298" />
        <source>last heartbeat %1</source>
        <translation>마지막 신호 %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301" />
        <source>Stop runner</source>
        <translation>자동 실행 멈추기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301" />
        <source>Start runner</source>
        <translation>자동 실행 시작</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="307" />
        <source>Last sync: %1</source>
        <translation>마지막 동기화: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308" />
        <source>Not synced yet</source>
        <translation>아직 동기화 안 함</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>out of date: messages are not sent until it is synced again</source>
        <translation>오래됨: 다시 동기화할 때까지 메시지를 보내지 않고 기다립니다</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314" />
        <source>%1 messages waiting for review</source>
        <translation>확인 기다리는 메시지 %1건</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="372" />
        <source>⚠ %1 customers stopped: a message of '%2' could not be made. Fix it</source>
        <translation>⚠ 고객 %1명이 멈췄습니다: '%2'의 메시지를 만들 수 없었습니다. 고치기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375" />
        <source>(and %1 more journeys)</source>
        <translation>(다른 여정 %1개 더)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="378" />
        <source>'%1': %2 customers</source>
        <translation>'%1': 고객 %2명</translation>
    </message>
</context>
<context>
    <name>ManualPoints</name>
    <message>
        <location filename="../../ui/tiers.py" line="186" />
        <source>Points to give by hand</source>
        <translation>적립금 수동 지급 목록</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="189" />
        <source>Points a journey gave where the shop's API cannot credit them (or a call to Cafe24 did not go through). Give them in your shop's admin, then mark them as given.</source>
        <translation>쇼핑몰 API로 자동 지급할 수 없었던(또는 카페24 호출이 실패한) 여정의 적립금입니다. 쇼핑몰 관리자 화면에서 직접 지급한 뒤 '지급 완료'로 표시하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="192" />
        <source>Date</source>
        <translation>날짜</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="192" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="192" />
        <source>Member id</source>
        <translation>회원 아이디</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="193" />
        <source>Points</source>
        <translation>적립금</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="193" />
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="193" />
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="203" />
        <source>Mark as given</source>
        <translation>지급 완료로 표시</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="219" />
        <source>%1 to give</source>
        <translation>지급할 적립금 %1건</translation>
    </message>
</context>
<context>
    <name>MessagesPage</name>
    <message>
        <location filename="../../ui/pages/messages.py" line="38" />
        <source>Message log</source>
        <translation>메시지 기록</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="41" />
        <source>All messages</source>
        <translation>전체 메시지</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="50" />
        <source>Send anyway</source>
        <translation>그래도 보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="51" />
        <source>Do not send</source>
        <translation>보내지 않기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="59" />
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="59" />
        <source>Customer</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="59" />
        <source>Journey</source>
        <translation>여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="60" />
        <source>Channel</source>
        <translation>채널</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="60" />
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="60" />
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="61" />
        <source>Text</source>
        <translation>내용</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="73" />
        <source>Select a message to read it whole here.</source>
        <translation>메시지를 고르면 여기에 전체 내용이 나옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="80" />
        <source>No messages yet. They appear here once a published journey runs.</source>
        <translation>아직 메시지가 없습니다. 게시한 여정이 돌아가면 여기에 나타납니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="107" />
        <source>Ad</source>
        <translation>광고</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="107" />
        <source>Information</source>
        <translation>정보</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="113" />
        <source>Reason: %1</source>
        <translation>이유: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="115" />
        <source>Subject: %1</source>
        <translation>제목: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="148" />
        <source>waiting</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="148" />
        <source>sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="148" />
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="149" />
        <source>held for review</source>
        <translation>확인 대기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="149" />
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="149" />
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="158" />
        <source>All journeys</source>
        <translation>모든 여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="161" />
        <source>Deleted journeys</source>
        <translation>삭제된 여정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="196" />
        <source>(deleted)</source>
        <translation>(삭제됨)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/messages.py" line="211" />
        <source>Showing the latest %1 of %2 messages; choose a status or a journey to see others.</source>
        <translation>전체 %2건 가운데 최근 %1건을 보여 줍니다. 다른 메시지는 상태나 여정을 골라 보세요.</translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <location filename="../../ui/editor/palette.py" line="38" />
        <source>Search nodes</source>
        <translation>노드 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/palette.py" line="45" />
        <source>No node matches that.</source>
        <translation>찾는 노드가 없습니다</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <location filename="../../ui/editor/problems.py" line="37" />
        <source>No problems</source>
        <translation>문제 없음</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="71" />
        <source>Publish '%1'</source>
        <translation>'%1' 게시</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="79" />
        <source>Who can enter</source>
        <translation>누가 들어오나요</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="88" />
        <source> a day</source>
        <translation>명</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="93" />
        <source>At most</source>
        <translation>하루 최대</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="100" />
        <source>Also let in the %1 customers in this segment now</source>
        <translation>지금 이 세그먼트에 있는 고객 %1명도 넣기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="111" />
        <source>The first day</source>
        <translation>첫날</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="115" />
        <source>Replaying the last day of orders through this journey…</source>
        <translation>지난 하루의 기록을 이 여정으로 다시 돌려 보는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="123" />
        <source>Sending</source>
        <translation>보내기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="127" />
        <source>The runner is on: messages go out as customers enter, from today.</source>
        <translation>자동 실행기가 켜져 있습니다. 오늘부터 고객이 들어오는 대로 메시지를 보냅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="128" />
        <source>The runner is off: nothing is sent until it runs.</source>
        <translation>자동 실행기가 꺼져 있습니다. 켜기 전까지는 아무것도 보내지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="130" />
        <source>Start the runner after publishing</source>
        <translation>게시 후 자동 실행기 시작</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="137" />
        <source>Publish</source>
        <translation>게시</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="175" />
        <source>They enter over %1 days, from the runner's next pass; the first-day estimate below does not count them.</source>
        <translation>%1일에 걸쳐 나누어 들어갑니다(자동 실행기의 다음 실행부터). 아래 첫날 예상에는 들어 있지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="177" />
        <source>Left unticked, none of them enters.</source>
        <translation>체크하지 않으면 이 고객들은 들어가지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="188" />
        <source>This journey has no trigger: nobody can enter.</source>
        <translation>이 여정에는 시작 조건이 없어 아무도 들어올 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="192" />
        <source>Past orders and sign-ups (history) never enter.</source>
        <translation>지난 주문과 가입(지난 기록)으로는 아무도 들어가지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="205" />
        <source>%1 customers are in the segment '%2' now. They all enter at the runner's first pass, and later every customer who becomes one.</source>
        <translation>지금 '%2' 세그먼트에 고객 %1명이 있습니다. 자동 실행기가 처음 돌 때 모두 들어가고, 그 뒤로는 새로 이 세그먼트에 드는 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="208" />
        <source>%1 customers are in the segment '%2' now. They do not enter: only customers who move into it after publishing do.</source>
        <translation>지금 '%2' 세그먼트에 고객 %1명이 있습니다. 이 고객들은 들어가지 않습니다 — 게시 후 새로 이 세그먼트에 드는 고객만 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="212" />
        <source>Customers who sign up from now on.</source>
        <translation>게시 후 가입하는 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="213" />
        <source>Customers who order from now on.</source>
        <translation>게시 후 주문하는 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="214" />
        <source>Customers whose order status changes from now on.</source>
        <translation>게시 후 주문 상태가 바뀌는 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="215" />
        <source>Customers who leave a cart from now on.</source>
        <translation>게시 후 장바구니를 남기고 떠난 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="216" />
        <source>Customers whose date comes, on that day, from today on.</source>
        <translation>오늘부터 날짜가 된 고객이 그날 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="217" />
        <source>Only the customers you add yourself.</source>
        <translation>직접 추가한 고객만 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="219" />
        <source>Customers who meet the trigger from now on.</source>
        <translation>게시 후 시작 조건에 맞는 고객이 들어갑니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="242" />
        <source>The first day's messages cannot be estimated: %1</source>
        <translation>첫날 보낼 메시지를 셀 수 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="249" />
        <source>SMS</source>
        <translation>문자(SMS)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="249" />
        <source>LMS (long text)</source>
        <translation>장문 문자(LMS)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="249" />
        <source>KakaoTalk</source>
        <translation>카카오톡</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="250" />
        <source>Kakao Brand Message</source>
        <translation>카카오 브랜드 메시지</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="250" />
        <source>Email</source>
        <translation>이메일</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="257" />
        <source>%1 %2</source>
        <translation>%1 %2건</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="264" />
        <source>Replaying the last day: %1 customers would have entered and no message would have been sent on the first day.</source>
        <translation>지난 하루를 다시 돌려 보면 %1명이 들어오고, 첫날 보낸 메시지는 없었을 것입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="268" />
        <source>Replaying the last day: %1 customers would have entered and %2 messages gone out on the first day (%3), about %4 won.</source>
        <translation>지난 하루를 다시 돌려 보면 %1명이 들어오고 첫날 메시지 %2건(%3)을 보냈을 것입니다. 비용 약 %4원.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/publish_dialog.py" line="274" />
        <source>%1 messages would not go out (no consent, no address or a cap).</source>
        <translation>%1건은 보내지 않았을 것입니다(수신 동의 없음, 연락처 없음, 발송 한도).</translation>
    </message>
</context>
<context>
    <name>QuickAddDialog</name>
    <message>
        <location filename="../../ui/editor/quick_add.py" line="20" />
        <source>Add a node</source>
        <translation>노드 추가</translation>
    </message>
    <message>
        <location filename="../../ui/editor/quick_add.py" line="23" />
        <source>Type a name: wait, text, Kakao, coupon, condition …</source>
        <translation>이름을 입력하세요: 대기, 문자, 카톡, 쿠폰, 조건 …</translation>
    </message>
    <message>
        <location filename="../../ui/editor/quick_add.py" line="26" />
        <source>No node matches that.</source>
        <translation>찾는 노드가 없습니다</translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="45" />
        <source>Last %1 days</source>
        <translation>최근 %1일</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="45" />
        <source>Since the start</source>
        <translation>처음부터</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="48" />
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="128" />
        <location filename="../../ui/editor/results_panel.py" line="160" />
        <source>Customers</source>
        <translation>고객</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="129" />
        <source>Entered</source>
        <translation>들어옴</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="130" />
        <source>Waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="131" />
        <source>Finished</source>
        <translation>마침</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="132" />
        <source>Left</source>
        <translation>나감</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="133" />
        <location filename="../../ui/editor/results_panel.py" line="140" />
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="136" />
        <source>Messages</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="137" />
        <source>Sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="138" />
        <source>Skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="139" />
        <source>Not sent yet</source>
        <translation>발송 대기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="141" />
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="115" />
        <source>Conversions</source>
        <translation>전환</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="116" />
        <source>Customers who ordered</source>
        <translation>주문한 고객</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="117" />
        <source>Orders</source>
        <translation>주문</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="118" />
        <source>Revenue</source>
        <translation>매출</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="119" />
        <source>Coupons used</source>
        <translation>쿠폰 사용</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="120" />
        <source>Discount given</source>
        <translation>할인해 준 금액</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="121" />
        <source>Message cost</source>
        <translation>메시지 비용</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="122" />
        <source>Net result</source>
        <translation>순이익</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="123" />
        <source>ROI</source>
        <translation>ROI</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="95" />
        <source>A/B test</source>
        <translation>A/B 테스트</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="99" />
        <location filename="../../ui/editor/results_panel.py" line="197" />
        <location filename="../../ui/editor/results_panel.py" line="211" />
        <location filename="../../ui/editor/results_panel.py" line="215" />
        <source>Make %1 the only path</source>
        <translation>%1만 남기기</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="100" />
        <source>Publishes a new version without this split: everyone goes this arm's way. Customers already on the other arm finish it.</source>
        <translation>이 나누기를 없앤 새 버전을 게시합니다: 모두 이쪽 길로 갑니다. 이미 다른 쪽에 있는 고객은 그 길을 마칩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="89" />
        <source>Holdout (no message)</source>
        <translation>비교군 (메시지 없음)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="113" />
        <source>Add an A/B split to compare two versions, or give it a holdout share to see what the journey adds over sending nothing.</source>
        <translation>두 안을 비교하려면 A/B 테스트를 넣으세요. 비교군 비율을 주면 아무것도 보내지 않았을 때보다 여정이 얼마나 나은지 보입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="160" />
        <source>Group</source>
        <translation>그룹</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="160" />
        <source>Ordered</source>
        <translation>주문</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="160" />
        <source>Rate (95%)</source>
        <translation>전환율 (95% 구간)</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="161" />
        <source>Revenue per customer</source>
        <translation>1인당 매출</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="166" />
        <source>Holdout</source>
        <translation>비교군</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="166" />
        <source>With the journey</source>
        <translation>여정 받음</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="198" />
        <source>Publish a new version in which everyone goes the way of %1? The split and the steps only the other arm reached are removed; customers already on them finish on the old version.</source>
        <translation>모두 %1 쪽으로 가는 새 버전을 게시할까요? 나누기와 다른 쪽만 거치던 단계는 없어지고, 이미 그 단계에 있는 고객은 이전 버전에서 마칩니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="207" />
        <source>The journey has changes that are not published yet: publish or undo them first.</source>
        <translation>게시하지 않은 변경이 있습니다: 먼저 게시하거나 되돌리세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="209" />
        <source>Publish the journey first.</source>
        <translation>여정을 먼저 게시하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="210" />
        <source>This split is no longer in the journey.</source>
        <translation>이 A/B 테스트는 더 이상 여정에 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/editor/results_panel.py" line="216" />
        <source>The new version has problems to fix first (%1).</source>
        <translation>새 버전에 먼저 고칠 문제가 있습니다 (%1개).</translation>
    </message>
</context>
<context>
    <name>RuleRow</name>
    <message>
        <location filename="../../ui/editor/inspector.py" line="563" />
        <source>Type to search</source>
        <translation>이름 일부를 입력해 찾기</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="81" />
        <source>all time</source>
        <translation>전체 기간</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="82" />
        <source>last </source>
        <translation>최근 </translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="83" />
        <source> days</source>
        <translation>일</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="84" />
        <source>Count only the orders of the last N days (0 = all time)</source>
        <translation>최근 N일의 주문만 셉니다 (0 = 전체 기간)</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="86" />
        <source>Remove this condition</source>
        <translation>이 조건 삭제</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="116" />
        <source>category</source>
        <translation>카테고리</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="116" />
        <source>product</source>
        <translation>상품</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="118" />
        <source>field name</source>
        <translation>항목 이름</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="149" />
        <source>value</source>
        <translation>값</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="159" />
        <source>female</source>
        <translation>여성</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="160" />
        <source>male</source>
        <translation>남성</translation>
    </message>
</context>
<context>
    <name>RulesEditor</name>
    <message>
        <location filename="../../ui/editor/inspector.py" line="476" />
        <source>+ rule</source>
        <translation>+ 규칙</translation>
    </message>
</context>
<context>
    <name>SegmentBuilder</name>
    <message>
        <location filename="../../ui/segment_builder.py" line="295" />
        <source>Custom segment</source>
        <translation>내 세그먼트</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="307" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="309" />
        <source>e.g. pet lovers gone quiet</source>
        <translation>예: 반려동물 휴면 고객</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="325" />
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="346" />
        <location filename="../../ui/segment_builder.py" line="373" />
        <source>counting…</source>
        <translation>세는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="366" />
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="367" />
        <source>Cannot count: %1</source>
        <translation>셀 수 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="369" />
        <source>%1 customers</source>
        <translation>%1명</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="380" />
        <source>Give the segment a name.</source>
        <translation>세그먼트 이름을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="388" />
        <source>a segment with this name already exists</source>
        <translation>같은 이름의 세그먼트가 이미 있습니다</translation>
    </message>
    <message>
        <location filename="../../ui/segment_builder.py" line="389" />
        <source>Not saved: %1</source>
        <translation>저장하지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <location filename="../../ui/pages/segments.py" line="57" />
        <source>Segments</source>
        <translation>세그먼트</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="59" />
        <source>Customers move between these groups by themselves as they order or go quiet. A journey can start when someone enters one.</source>
        <translation>고객은 주문하거나 뜸해지면서 이 그룹들 사이를 저절로 옮겨 다닙니다. 고객이 그룹에 들어올 때 여정을 시작할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="68" />
        <location filename="../../ui/pages/segments.py" line="98" />
        <source>Show these customers</source>
        <translation>고객 보기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="69" />
        <source>Open the customer list showing only this segment</source>
        <translation>이 세그먼트 고객만 고객 목록에서 봅니다</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="76" />
        <source>The days and the VIP rule are settings (Settings › Segments).</source>
        <translation>기준 일수와 VIP 조건은 설정 › 세그먼트에서 바꿉니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="79" />
        <source>Change the thresholds…</source>
        <translation>기준 바꾸기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="93" />
        <source>My segments</source>
        <translation>내 세그먼트</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="95" />
        <source>New segment…</source>
        <translation>새 세그먼트…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="96" />
        <source>Edit…</source>
        <translation>편집…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="97" />
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="99" />
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="106" />
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="106" />
        <source>Customers</source>
        <translation>고객 수</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="106" />
        <source>Changed</source>
        <translation>수정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="116" />
        <source>None yet: 'New segment…' builds one from conditions, such as 3+ orders in a category and no order in 60 days.</source>
        <translation>아직 없습니다. '새 세그먼트…'로 조건을 골라 만드세요. 예: 반려동물 3회 이상 주문, 60일간 주문 없음.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="130" />
        <source>RFM groups</source>
        <translation>RFM 그룹</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="132" />
        <source>Buyers scored 1–5 on how recently (R) and how often (F) they order; equal figures get equal scores. Click a group to see its customers.</source>
        <translation>구매 고객을 최근성(R)과 빈도(F)로 1~5점 매겼습니다. 같은 값은 같은 점수입니다. 그룹을 누르면 고객을 봅니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="183" />
        <source>signed up, no order yet</source>
        <translation>가입했지만 아직 주문 없음</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="184" />
        <source>ordered in the last %1 days</source>
        <translation>최근 %1일 안에 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="185" />
        <location filename="../../ui/pages/segments.py" line="186" />
        <source>no order for %1 days or more</source>
        <translation>%1일 넘게 주문 없음</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="187" />
        <source>%1 won or %2 orders in %3 days</source>
        <translation>%3일 동안 %1원 이상 또는 %2회 이상 주문</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="252" />
        <source>Delete segment</source>
        <translation>세그먼트 삭제</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="253" />
        <source>Delete this segment? Journeys that start when someone enters it will let nobody in.</source>
        <translation>이 세그먼트를 삭제할까요? 이 세그먼트 진입으로 시작하는 여정에는 더 이상 아무도 들어오지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="271" />
        <source>Export CSV</source>
        <translation>CSV 내보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="272" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="279" />
        <source>Not exported: %1</source>
        <translation>내보내지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/segments.py" line="281" />
        <source>%1 customers written to %2</source>
        <translation>고객 %1명을 %2에 저장했습니다</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/pages/settings.py" line="55" />
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="62" />
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="62" />
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="62" />
        <source>Like the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="64" />
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="67" />
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="112" />
        <source>Webhook (for any channel set to it)</source>
        <translation>웹훅 (웹훅으로 보내도록 한 채널에 사용)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="137" />
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="184" />
        <source>off</source>
        <translation>끄기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="220" />
        <source>Test connection</source>
        <translation>연결 테스트</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="221" />
        <source>Send a test to me</source>
        <translation>나에게 테스트 보내기</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="229" />
        <source>my number (empty: the shop contact)</source>
        <translation>받을 번호 (비우면 쇼핑몰 연락처)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="248" />
        <source>Sending a test…</source>
        <translation>테스트 메시지를 보내는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="248" />
        <source>Connecting…</source>
        <translation>연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="311" />
        <source>saved in the system keyring; type to replace it</source>
        <translation>시스템 키체인에 저장됨 (바꾸려면 새로 입력)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="312" />
        <source>kept in the system keyring</source>
        <translation>시스템 키체인에 보관됩니다</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="381" />
        <source> and %1 more</source>
        <translation> 외 %1개</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="383" />
        <source>Saved: %1.</source>
        <translation>저장했습니다: %1.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="385" />
        <source>Saved (nothing had changed).</source>
        <translation>저장했습니다 (바뀐 설정이 없습니다).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="82" />
        <source>This PC has no system keyring, so passwords, API keys and the webhook address cannot be saved here.</source>
        <translation>이 PC에는 시스템 키체인이 없어 비밀번호, API 키, 웹훅 주소를 저장할 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="372" />
        <source>Not saved: %1</source>
        <translation>저장하지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="401" />
        <source>Saved, but the start-up entry could not be changed: %1</source>
        <translation>저장했지만 PC 시작 항목을 바꾸지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>TemplateForm</name>
    <message>
        <location filename="../../ui/template_form.py" line="35" />
        <source>Use this template</source>
        <translation>이 템플릿 쓰기</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="39" />
        <source>When to use it</source>
        <translation>이럴 때 쓰세요</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="40" />
        <source>What it needs</source>
        <translation>필요한 데이터</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="50" />
        <source>Journey name</source>
        <translation>여정 이름</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="69" />
        <source>This template has nothing to set: it opens as it is.</source>
        <translation>이 템플릿은 정할 값이 없어 그대로 열립니다.</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="77" />
        <source>Make the draft and open it</source>
        <translation>초안 만들고 열기</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="78" />
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../ui/template_form.py" line="135" />
        <source>Fill in a name for the journey.</source>
        <translation>여정 이름을 넣으세요.</translation>
    </message>
</context>
<context>
    <name>TiersEditor</name>
    <message>
        <location filename="../../ui/tiers.py" line="48" />
        <source>Membership tiers</source>
        <translation>멤버십 등급</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="51" />
        <source>Your own tiers, lowest first. A customer is in the highest tier whose spend and orders within the window they reach (or whose shop grade it names). Tiers are computed again after each sync and every night; a journey can start when a tier goes up or down.</source>
        <translation>사장님이 정하는 등급입니다(낮은 등급부터). 고객은 기준 기간 안의 구매액과 주문 수(또는 쇼핑몰 회원 등급)로 도달한 가장 높은 등급이 됩니다. 동기화할 때마다, 그리고 매일 밤 다시 계산하며, 등급이 오르거나 내리면 여정을 시작할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="55" />
        <source>Window</source>
        <translation>기준 기간</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="58" />
        <source> months</source>
        <translation>개월</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="64" />
        <source>Tier</source>
        <translation>등급</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="64" />
        <source>Spent at least (won)</source>
        <translation>구매액 이상(원)</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="65" />
        <source>Orders at least</source>
        <translation>주문 수 이상</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="65" />
        <source>Or shop grade</source>
        <translation>또는 쇼핑몰 등급</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="66" />
        <source>Customers now</source>
        <translation>지금 고객 수</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="72" />
        <source>Add a tier</source>
        <translation>등급 추가</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="74" />
        <source>Remove the tier</source>
        <translation>등급 삭제</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="76" />
        <source>Suggested tiers</source>
        <translation>추천 등급</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="77" />
        <source>일반 / 실버 / 골드 / VIP by spend over 12 months</source>
        <translation>12개월 구매액 기준 일반 / 실버 / 골드 / VIP</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="79" />
        <source>Save tiers</source>
        <translation>등급 저장</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="101" />
        <source>Tiers are off until you save them; these are a suggestion.</source>
        <translation>저장하기 전까지 등급은 꺼져 있습니다. 지금 보이는 것은 추천 등급입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="163" />
        <source>%1 customer(s) are below the lowest tier.</source>
        <translation>고객 %1명은 가장 낮은 등급에도 들지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/tiers.py" line="176" />
        <source>Saved. Tiers are computed again after each sync and every night.</source>
        <translation>저장했습니다. 등급은 동기화할 때마다, 그리고 매일 밤 다시 계산합니다.</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <location filename="../../ui/app.py" line="99" />
        <source>Welcome to Dangol</source>
        <translation>단골여정에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="100" />
        <source>Your shop has no customers yet. Would you like to look around a demo shop first? It has 2,000 made-up customers and two years of orders; nothing is sent to anyone.

Or bring in your own shop: import a file exported from its admin, or connect the shop so its orders come in by themselves.</source>
        <translation>아직 쇼핑몰에 고객이 없습니다. 먼저 데모 쇼핑몰을 둘러보시겠어요? 가상의 고객 2,000명과 2년 치 주문이 들어 있고, 누구에게도 메시지를 보내지 않습니다.

또는 내 쇼핑몰 데이터를 가져오세요. 쇼핑몰 관리자에서 내려받은 파일을 가져오거나, 쇼핑몰을 연결하면 주문이 저절로 들어옵니다.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="107" />
        <source>Import my shop's file</source>
        <translation>내 쇼핑몰 파일 가져오기</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="109" />
        <source>Connect my shop</source>
        <translation>내 쇼핑몰 연결하기</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="105" />
        <source>Open the demo shop</source>
        <translation>데모 쇼핑몰 열기</translation>
    </message>
</context>
</TS>