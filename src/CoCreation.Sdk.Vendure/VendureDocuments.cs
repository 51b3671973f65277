using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Vendure;

/// <summary>
/// Every GraphQL document the Vendure adapter sends to the Admin API, as constants, so a contract check can validate
/// them against Vendure's schema (<see cref="All"/>). Each document holds one named operation.
/// </summary>
internal static partial class VendureDocuments
{
    private const string ErrorFields = "... on ErrorResult { errorCode message }";

    private const string AdministratorFields = "id emailAddress firstName lastName user { id roles { id code } }";

    private const string ProductFields = "id name description enabled channels { id code } variants { id sku price priceWithTax currencyCode enabled }";

    private const string OrderFields = "id code state orderPlacedAt updatedAt currencyCode "
        + "lines { id quantity orderPlacedQuantity unitPriceWithTax productVariant { id sku productId } } "
        + "payments { id amount state refunds { id total reason state createdAt } } "
        + "fulfillments { id state method trackingCode createdAt updatedAt lines { orderLineId quantity } }";

    /// <summary>Logs in with a user name and password; the session token comes back in the <c>vendure-auth-token</c> header.</summary>
    public const string Login = "mutation Login($username: String!, $password: String!) { login(username: $username, password: $password, rememberMe: false) { __typename ... on CurrentUser { id identifier } " + ErrorFields + " } }";

    /// <summary>The default channel and the shop's default stock location.</summary>
    public const string Setup = "query Setup { activeChannel { id code token defaultCurrencyCode pricesIncludeTax defaultTaxZone { id } defaultShippingZone { id } } stockLocations(options: { take: 1 }) { items { id } } }";

    /// <summary>Reads an administrator by id.</summary>
    public const string GetAdministrator = "query GetAdministrator($id: ID!) { administrator(id: $id) { " + AdministratorFields + " } }";

    /// <summary>Finds an administrator by identifier (e-mail address field).</summary>
    public const string FindAdministrator = "query FindAdministrator($login: String!) { administrators(options: { filter: { emailAddress: { eq: $login } }, take: 2 }) { items { " + AdministratorFields + " } } }";

    /// <summary>Creates an administrator.</summary>
    public const string CreateAdministrator = "mutation CreateAdministrator($input: CreateAdministratorInput!) { createAdministrator(input: $input) { " + AdministratorFields + " } }";

    /// <summary>Updates an administrator (name, password, roles).</summary>
    public const string UpdateAdministrator = "mutation UpdateAdministrator($input: UpdateAdministratorInput!) { updateAdministrator(input: $input) { " + AdministratorFields + " } }";

    /// <summary>Finds a channel by code.</summary>
    public const string FindChannel = "query FindChannel($code: String!) { channels(options: { filter: { code: { eq: $code } }, take: 1 }) { items { id code token } } }";

    /// <summary>Creates a channel.</summary>
    public const string CreateChannel = "mutation CreateChannel($input: CreateChannelInput!) { createChannel(input: $input) { __typename ... on Channel { id code token } " + ErrorFields + " } }";

    /// <summary>Finds the roles whose code starts with a prefix.</summary>
    public const string FindRoles = "query FindRoles($prefix: String!) { roles(options: { filter: { code: { contains: $prefix } }, take: 100 }) { items { id code permissions channels { id } } } }";

    /// <summary>Creates a role.</summary>
    public const string CreateRole = "mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { id code } }";

    /// <summary>Finds product variants by SKU.</summary>
    public const string FindVariant = "query FindVariant($sku: String!) { productVariants(options: { filter: { sku: { eq: $sku } }, take: 2 }) { items { id sku productId } } }";

    /// <summary>Reads a product with its channels and variants.</summary>
    public const string GetProduct = "query GetProduct($id: ID!) { product(id: $id) { " + ProductFields + " } }";

    /// <summary>Creates a product.</summary>
    public const string CreateProduct = "mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }";

    /// <summary>Updates a product (name, terms as description, enabled).</summary>
    public const string UpdateProduct = "mutation UpdateProduct($input: UpdateProductInput!) { updateProduct(input: $input) { " + ProductFields + " } }";

    /// <summary>Creates product variants.</summary>
    public const string CreateProductVariants = "mutation CreateProductVariants($input: [CreateProductVariantInput!]!) { createProductVariants(input: $input) { id sku } }";

    /// <summary>Updates product variants (price, enabled).</summary>
    public const string UpdateProductVariants = "mutation UpdateProductVariants($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id price } }";

    /// <summary>Assigns products to a channel.</summary>
    public const string AssignProductsToChannel = "mutation AssignProductsToChannel($input: AssignProductsToChannelInput!) { assignProductsToChannel(input: $input) { id } }";

    /// <summary>Reads an order with lines, payments, refunds and fulfillments.</summary>
    public const string GetOrder = "query GetOrder($id: ID!) { order(id: $id) { " + OrderFields + " } }";

    /// <summary>Lists orders placed in a period, oldest first.</summary>
    public const string OrdersPlaced = "query OrdersPlaced($start: DateTime!, $end: DateTime!, $skip: Int!, $take: Int!) { orders(options: { filter: { orderPlacedAt: { between: { start: $start, end: $end } } }, sort: { orderPlacedAt: ASC }, skip: $skip, take: $take }) { totalItems items { " + OrderFields + " } } }";

    /// <summary>Lists orders changed after a moment with their history entries after it, oldest change first.</summary>
    public const string ChangedOrders = "query ChangedOrders($after: DateTime!, $skip: Int!, $take: Int!) { orders(options: { filter: { updatedAt: { after: $after } }, sort: { updatedAt: ASC }, skip: $skip, take: $take }) { totalItems items { id code updatedAt lines { id orderPlacedQuantity unitPriceWithTax productVariant { id sku productId } } "
        + "fulfillments { id trackingCode method lines { orderLineId quantity } } payments { refunds { id total reason } } "
        + "history(options: { filter: { createdAt: { after: $after } }, sort: { id: ASC }, take: 100 }) { items { id type createdAt data } } } } }";

    /// <summary>Adds a fulfillment (carrier and tracking code) to order lines.</summary>
    public const string AddFulfillmentToOrder = "mutation AddFulfillmentToOrder($input: FulfillOrderInput!) { addFulfillmentToOrder(input: $input) { __typename ... on Fulfillment { id state method trackingCode createdAt } " + ErrorFields + " } }";

    /// <summary>Moves a fulfillment to another state, for example <c>Shipped</c>.</summary>
    public const string TransitionFulfillmentToState = "mutation TransitionFulfillmentToState($id: ID!, $state: String!) { transitionFulfillmentToState(id: $id, state: $state) { __typename ... on Fulfillment { id state updatedAt } " + ErrorFields + " } }";

    /// <summary>Refunds an amount of a payment.</summary>
    public const string RefundOrder = "mutation RefundOrder($input: RefundOrderInput!) { refundOrder(input: $input) { __typename ... on Refund { id total reason state createdAt } " + ErrorFields + " } }";

    /// <summary>Cancels pieces of order lines, which releases or returns their stock.</summary>
    public const string CancelOrder = "mutation CancelOrder($input: CancelOrderInput!) { cancelOrder(input: $input) { __typename ... on Order { id state } " + ErrorFields + " } }";

    private const string StockFields = "id sku productId product { id name channels { code } } stockLevels { stockLocationId stockOnHand stockAllocated } "
        + "customFields { cocreationLowStockThreshold cocreationLowStockAlerts cocreationLowStockArmed cocreationIntakeKeys }";

    /// <summary>Reads a variant's stock and the adapter's inventory fields by SKU.</summary>
    public const string VariantStock = "query VariantStock($sku: String!) { productVariants(options: { filter: { sku: { eq: $sku } }, take: 2 }) { items { " + StockFields + " } } }";

    /// <summary>Lists the variants that have a low-stock threshold.</summary>
    public const string WatchedVariants = "query WatchedVariants($skip: Int!, $take: Int!) { productVariants(options: { filter: { cocreationLowStockThreshold: { isNull: false } }, sort: { id: ASC }, skip: $skip, take: $take }) { totalItems items { " + StockFields + " } } }";

    /// <summary>Writes a variant's stock level and inventory fields in one mutation.</summary>
    public const string UpdateVariantStock = "mutation UpdateVariantStock($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { " + StockFields + " } }";

    /// <summary>Every document above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Login, Setup, GetAdministrator, FindAdministrator, CreateAdministrator, UpdateAdministrator, FindChannel, CreateChannel,
        FindRoles, CreateRole, FindVariant, GetProduct, CreateProduct, UpdateProduct, CreateProductVariants, UpdateProductVariants,
        AssignProductsToChannel, GetOrder, OrdersPlaced, ChangedOrders, AddFulfillmentToOrder, TransitionFulfillmentToState,
        RefundOrder, CancelOrder, VariantStock, WatchedVariants, UpdateVariantStock,
    ];

    /// <summary>Returns the name of a document's operation (<c>mutation Login(…)</c> gives <c>Login</c>).</summary>
    /// <param name="document">A document of this class.</param>
    /// <returns>The operation name, or <c>anonymous</c>.</returns>
    public static string OperationName(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var match = OperationPattern().Match(document);
        return match.Success ? match.Groups[1].Value : "anonymous";
    }

    [GeneratedRegex(@"^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex OperationPattern();
}
