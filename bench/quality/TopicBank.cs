namespace CrisisBot.Bench.Quality;

/// <summary>The true topics of the evaluation set: a product and paraphrases (with {n} slots) of one issue.</summary>
internal static class TopicBank
{
    internal sealed record TopicSpec(string Name, string Product, string[] Paraphrases);

    public static readonly TopicSpec[] Topics =
    [
        new("claim-not-paid", "travel-insurance",
        [
            "my travel insurance claim still not paid after {n} weeks",
            "been waiting {n} weeks for my insurance claim to be paid",
            "when will you pay my claim? submitted it {n} weeks ago",
            "insurance claim for my cancelled holiday is taking forever to pay out",
            "no payout on my travel insurance claim yet",
            "claim still pending, no update from the claims team on my payment",
            "why is my insurance claim not paid yet, chased it {n} times",
        ]),
        new("covid-cover", "travel-insurance",
        [
            "does my travel insurance policy cover covid cancellation",
            "is covid covered by your travel insurance",
            "will the insurance cover me if i test positive for covid before flying",
            "are covid pandemic cancellations covered under my policy",
            "need to know if my cover includes covid quarantine costs",
            "covid cover on the policy is unclear, am i covered or not",
        ]),
        new("bad-exchange-rate", "travel-money",
        [
            "your euro exchange rate is a rip off",
            "terrible exchange rate on euros today",
            "why is your exchange rate for dollars so bad compared to the bank",
            "got a rubbish exchange rate changing money at the bureau",
            "the currency exchange rates in branch are awful",
            "exchange rate for euros is daylight robbery",
        ]),
        new("card-top-up", "travel-money",
        [
            "travel money card app won't let me top up",
            "can't top up my travel money card",
            "currency card top up failing in the app",
            "top up on my prepaid travel card keeps failing",
            "app says top up failed on my travel money card again",
            "tried to top up the travel card {n} times, fails every time",
        ]),
        new("delivered-not-received", "mail-parcels",
        [
            "tracking says delivered but no parcel here",
            "parcel marked as delivered but never arrived",
            "my package shows delivered, nothing at my door",
            "where is my parcel? tracking says delivered yesterday",
            "delivered status on tracking but no package received",
            "parcel tracking says delivered, it was not delivered to me",
        ]),
        new("no-post-strike", "mail-parcels",
        [
            "no post delivered in my area for {n} days",
            "when will post deliveries resume, no letters for days",
            "no letters delivered on our street for ages, is the postman on strike",
            "post hasn't come all week, is there a strike",
            "letter and post deliveries have stopped in our town, strike again?",
            "strike means no post for {n} days, when will letters arrive",
        ]),
        new("card-declined", "credit-card",
        [
            "my credit card keeps getting declined",
            "card declined at the till even though i have credit",
            "why is my credit card being declined abroad",
            "credit card payment declined for no reason",
            "declined again on my credit card, plenty of limit left",
            "third time my card got declined today, sort your credit card out",
        ]),
        new("interest-charged", "credit-card",
        [
            "interest charged on my statement even though i paid in full",
            "why was i charged interest on my credit card statement",
            "unexpected interest charge on my credit card statement",
            "you charged me interest after i paid the full statement balance",
            "statement shows an interest charge that should not be there",
            "charged interest again despite paying the statement in full",
        ]),
        new("on-hold-forever", "contact-centre",
        [
            "been on hold for over an hour on your phone line",
            "on hold for {n} minutes and still no answer",
            "your phone line keeps me on hold forever",
            "waited on hold for ages then the call got cut off",
            "your helpline hold times are ridiculous, {n} minutes on hold",
            "on hold again, nobody answers the phone",
        ]),
        new("no-callback", "contact-centre",
        [
            "promised a callback that never came",
            "nobody called me back like they promised",
            "still waiting for the callback i was promised",
            "agent promised someone would call me back, no callback",
            "requested a callback {n} times, still no call back",
            "where is my promised callback, nobody rang",
        ]),
        new("offensive-advert", "brand",
        [
            "your new advert is offensive",
            "that tv advert is in really poor taste",
            "who approved the new advert campaign, it is offensive",
            "boycotting you after that offensive advert",
            "the new advert mocking customers is disgraceful",
            "pull that advert now, offensive and tone deaf",
        ]),
        new("website-login-down", "triage",
        [
            "website down again, can't log in",
            "can't log into the website, login page keeps crashing",
            "website login is down, error page every time i log in",
            "login not working on your website today",
            "site outage again, the login page won't load",
            "your website keeps logging me out, login broken",
        ]),
    ];

    public static readonly string[] Prefixes =
    [
        "", "", "", "", "@DemoCo ", "hey @DemoCo ", "@DemoCoHelp ", "Seriously, ", "Again! ", "so ", "ugh ", "RT @angrycustomer: ",
        "Hi, ", "Dear DemoCo, ",
    ];

    public static readonly string[] Suffixes =
    [
        "", "", "", "", " #fail", " 😡", " 🙄🙄", " - sort it out", " https://t.co/{url}", " @DemoCoHelp", " !!!", " what a joke",
        " thanks for nothing", " 😤😤😤", " #customerservice", " pathetic", " any update?", " 👎",
    ];

    /// <summary>Unrelated chatter: random mixes of everyday words so noise posts neither form topics nor match products.</summary>
    public static readonly string[] NoiseWords =
    [
        "sunny", "garden", "picnic", "friends", "laughing", "weekend", "coffee", "morning", "football", "match", "goal", "concert",
        "music", "playlist", "dinner", "pasta", "recipe", "cooking", "birthday", "sister", "brother", "puppy", "kitten", "walk",
        "beach", "mountain", "hiking", "cycling", "marathon", "training", "gym", "yoga", "book", "novel", "reading", "library",
        "movie", "cinema", "series", "episode", "finale", "netflix", "weather", "rain", "snow", "cloudy", "breeze", "sunset",
        "flowers", "spring", "autumn", "pumpkin", "festival", "holiday", "beer", "wine", "cheese", "chocolate", "cake", "bakery",
        "school", "exam", "homework", "teacher", "office", "meeting", "project", "deadline", "laptop", "keyboard", "podcast",
        "guitar", "piano", "drums", "singing", "dancing", "wedding", "party", "balloons", "traffic", "bus", "train", "bicycle",
        "painting", "drawing", "museum", "gallery", "history", "science", "space", "rocket", "stars", "moon", "planet", "ocean",
        "fishing", "boat", "island", "village", "city", "market", "vegetables", "fruit", "smoothie", "breakfast", "lunch",
        "neighbour", "grandma", "grandpa", "family", "kids", "toddler", "nap", "sleep", "dream", "happy", "tired", "excited",
        "amazing", "lovely", "beautiful", "delicious", "funny", "silly", "cozy", "fresh", "quiet", "noisy", "busy", "lazy",
    ];
}
